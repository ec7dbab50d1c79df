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
 * refreshes keep only the newest answer. `throttleMs` (default 0) coalesces a burst of changes
 * (a live run flushing every step) into at most one re-read per interval.
 */
export function useStoreQuery<T>(
  key: string,
  target: string,
  query: () => Promise<T>,
  throttleMs = 0,
): QueryState<T> {
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
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const onChange = () => {
      if (throttleMs <= 0) return refresh();
      if (timer !== undefined) return;
      const wait = Math.max(0, last + throttleMs - Date.now());
      timer = setTimeout(() => {
        timer = undefined;
        last = Date.now();
        refresh();
      }, wait);
    };
    const unwatch = store.watch(target, onChange);
    last = Date.now();
    refresh();
    return () => {
      live = false;
      if (timer !== undefined) clearTimeout(timer);
      unwatch();
    };
  }, [key, target, store, throttleMs]);

  return value?.key === key ? value.state : { status: 'loading' };
}
