import { Debugger, type Timeline } from 'afk/debugger';
import type { RunRecord } from 'afk/memory';
import { useMemo } from 'react';
import { useAfk } from './context.js';
import { type QueryState, useStoreQuery } from './use-store-query.js';

export interface RunData {
  record: RunRecord | undefined;
  timeline: Timeline;
}

/**
 * One run, live: its record and its timeline (span tree, subagent runs nested), re-read whenever
 * the store reports a change for it.
 *
 * @example
 * const run = useRun(runId);
 * if (run.status === 'ok') console.log(run.data.timeline.root.children.length);
 */
export function useRun(runId: string | undefined): QueryState<RunData | undefined> {
  const { store } = useAfk();
  const dbg = useMemo(() => new Debugger({ store }), [store]);
  return useStoreQuery(`run:${runId ?? '-'}`, runId ?? 'none', async () => {
    if (!runId) return undefined;
    const [record, timeline] = await Promise.all([store.getRun(runId), dbg.timeline(runId)]);
    return { record, timeline };
  });
}
