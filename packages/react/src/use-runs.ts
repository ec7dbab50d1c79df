import type { RunStatus } from 'afk/core';
import type { MemoryStore, RunRecord, RunScanFilter, RunScanRow } from 'afk/memory';
import { useAfk } from './context.js';
import { type QueryState, useStoreQuery } from './use-store-query.js';

/** What `useRuns` lists. Every field narrows; all are optional. */
export interface RunsFilter {
  /** Runs in one of these states. */
  status?: readonly RunStatus[];
  /** Runs of this agent (exact name). */
  agent?: string;
  /** Case-insensitive substring of the run id, thread id, agent or first user message. */
  text?: string;
  /** Runs of this thread. */
  threadId?: string;
  /** Include subagent runs (they also show under their parent's timeline). Default `false`. */
  includeSubagents?: boolean;
  /** At most this many runs, newest first. Default `200`. */
  limit?: number;
}

/** One listed run: its record, or (a row that fails validation) the error. */
export type RunItem =
  | { runId: string; run: RunRecord; error?: undefined }
  | { runId: string; run?: undefined; error: Error };

export interface RunsPage {
  items: RunItem[];
  /** More runs match than `limit` (raise it to see older ones). */
  hasMore: boolean;
  limit: number;
}

/** The default page size of `useRuns` and `RunList`. */
export const DEFAULT_RUNS_LIMIT = 200;

type Scanner = MemoryStore & { scanRuns(filter: RunScanFilter): Promise<RunScanRow[]> };
const canScan = (s: MemoryStore): s is Scanner => typeof (s as Partial<Scanner>).scanRuns === 'function';

function matches(r: RunRecord, f: RunsFilter, text: string | undefined): boolean {
  if (!f.includeSubagents && r.parentRunId !== undefined) return false;
  if (f.agent !== undefined && r.agentName !== f.agent) return false;
  if (f.status?.length && !f.status.includes(r.status)) return false;
  if (text) {
    const hay = [r.runId, r.threadId, r.agentName, r.summary?.input ?? ''];
    if (!hay.some((v) => v.toLowerCase().includes(text))) return false;
  }
  return true;
}

/**
 * Lists runs, newest first: one indexed store query (`DexieStore.scanRuns`: filtered on the
 * raw rows, limited, a corrupt row reported as that row's error), or `listRuns` plus a filter
 * for other stores. Uses only what run records carry (status, usage, steps, first message,
 * timestamps, result error), never a run's events, so it stays fast with 10,000 runs. Live:
 * re-read when the store reports a change (this tab or another), at most every 250 ms.
 *
 * @example
 * const runs = useRuns({ status: ['failed'], agent: 'calc', limit: 100 });
 * if (runs.status === 'ok') console.log(runs.data.items.length, runs.data.hasMore);
 */
export function useRuns(filter: RunsFilter = {}): QueryState<RunsPage> {
  const { store } = useAfk();
  const limit = Math.max(1, filter.limit ?? DEFAULT_RUNS_LIMIT);
  const key = `afk:runs:${JSON.stringify([filter.status, filter.agent, filter.text, filter.threadId, filter.includeSubagents, limit])}`;
  return useStoreQuery(
    key,
    'all',
    async (): Promise<RunsPage> => {
      const text = filter.text?.trim().toLowerCase() || undefined;
      if (canScan(store)) {
        const rows = await store.scanRuns({
          ...(filter.threadId === undefined ? {} : { threadId: filter.threadId }),
          ...(filter.status?.length ? { status: filter.status } : {}),
          ...(filter.agent === undefined ? {} : { agentName: filter.agent }),
          ...(text === undefined ? {} : { text }),
          topLevel: !filter.includeSubagents,
          limit: limit + 1,
        });
        return { items: rows.slice(0, limit) as RunItem[], hasMore: rows.length > limit, limit };
      }
      const all = await store.listRuns(filter.threadId === undefined ? {} : { threadId: filter.threadId });
      const hits = all.filter((r) => matches(r, filter, text)).sort((a, b) => b.startedAt - a.startedAt);
      return {
        items: hits.slice(0, limit).map((run) => ({ runId: run.runId, run })),
        hasMore: hits.length > limit,
        limit,
      };
    },
    250,
  );
}
