import { useEffect, useRef, useState } from 'react';
import { useAfk } from './context.js';

/** A query's latest value, or its error (a corrupt row shows as an error on that view only). */
export type QueryState<T> =
  | { status: 'loading' }
  | { status: 'ok'; data: T }
  | { status: 'error'; error: Error };

/**
 * Runs `query` and re-runs it whenever the store reports a change for `target` (a run id or
 * 'all'), from this tab or another. `key` names the query: a new key re-subscribes. Overlapping
 * refreshes keep only the newest answer.
 */
export function useStoreQuery<T>(key: string, target: string, query: () => Promise<T>): QueryState<T> {
  const { store } = useAfk();
  const [value, setValue] = useState<{ key: string; state: QueryState<T> }>();
  const queryRef = useRef(query);
  queryRef.current = query;

  useEffect(() => {
    let live = true;
    let version = 0;
    const refresh = () => {
      const mine = ++version;
      queryRef.current().then(
        (data) => {
          if (live && mine === version) setValue({ key, state: { status: 'ok', data } });
        },
        (error: unknown) => {
          if (live && mine === version)
            setValue({
              key,
              state: { status: 'error', error: error instanceof Error ? error : new Error(String(error)) },
            });
        },
      );
    };
    const unwatch = store.watch(target, refresh);
    refresh();
    return () => {
      live = false;
      unwatch();
    };
  }, [key, target, store]);

  return value?.key === key ? value.state : { status: 'loading' };
}
