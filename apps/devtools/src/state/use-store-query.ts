import { useEffect, useRef, useState } from 'react';
import { store } from '../runtime';

/**
 * Reads from the store and re-reads whenever it reports a change for `target` (a run id, or
 * 'all'), from this tab or another one. The store stays the only source of truth: nothing read
 * here is copied into UI state. `key` names the query: a new key re-subscribes.
 */
export function useStoreQuery<T>(key: string, target: string, query: () => Promise<T>): T | undefined {
  const [value, setValue] = useState<{ key: string; data: T }>();
  const queryRef = useRef(query);
  queryRef.current = query;

  useEffect(() => {
    let live = true;
    let version = 0;
    const refresh = () => {
      const mine = ++version;
      queryRef.current().then(
        (data) => {
          if (live && mine === version) setValue({ key, data });
        },
        (error: unknown) => console.error(`[devtools] query ${key} failed`, error),
      );
    };
    const unwatch = store.watch(target, refresh);
    refresh();
    return () => {
      live = false;
      unwatch();
    };
  }, [key, target]);

  return value?.key === key ? value.data : undefined;
}
