import { useStoreQuery as useQueryState } from '@afk/react';
import { useEffect } from 'react';

/**
 * The app's view of `@afk/react`'s live store query: the data once loaded (undefined while
 * loading), re-read whenever the store reports a change for `target` (a run id, or 'all'), from
 * this tab or another. A failed query is logged and reads as "nothing yet"; views that must show
 * the error (the run timeline) use the hook's full state instead.
 */
export function useStoreQuery<T>(key: string, target: string, query: () => Promise<T>): T | undefined {
  const state = useQueryState(key, target, query);
  const error = state.status === 'error' ? state.error : undefined;
  useEffect(() => {
    if (error) console.error(`[devtools] query ${key} failed`, error);
  }, [error, key]);
  return state.status === 'ok' ? state.data : undefined;
}
