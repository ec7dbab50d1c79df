import type { RunRecord, ThreadRecord } from 'afk/memory';
import { useAfk } from './context.js';
import { type QueryState, useStoreQuery } from './use-store-query.js';

export interface ThreadData {
  /** The thread's record (undefined for a thread the store has no record of). */
  thread: ThreadRecord | undefined;
  /** Its runs, oldest first (subagent runs included). */
  runs: RunRecord[];
}

/**
 * A thread and its runs, live (re-read when any of them changes, in this tab or another).
 * `undefined` threadId: nothing to load (`loading` forever, so callers can pass a maybe-id).
 *
 * @example
 * const t = useThread(run.threadId);
 * if (t.status === 'ok') console.log(t.data.runs.map((r) => r.status));
 */
export function useThread(threadId: string | undefined): QueryState<ThreadData> {
  const { store } = useAfk();
  const state = useStoreQuery(
    `afk:thread:${threadId ?? ''}`,
    'all',
    async (): Promise<ThreadData> => {
      if (threadId === undefined) return { thread: undefined, runs: [] };
      const [thread, runs] = await Promise.all([store.getThread(threadId), store.listRuns({ threadId })]);
      return { thread, runs: runs.sort((a, b) => a.startedAt - b.startedAt) };
    },
    250,
  );
  return threadId === undefined ? { status: 'loading' } : state;
}
