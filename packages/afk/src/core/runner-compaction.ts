import { AfkError } from '../errors/index.js';
import type { LLMClient } from '../llms/types.js';
import type { MemoryStore } from '../memory/types.js';
import { applyRetention, COMPACTION_AGENT } from './retention.js';
import type { CompactionPolicy, CompactionResult } from './runner-options.js';

/**
 * Compacts a thread's storage (`Runner.compactThread`); runs this runner is
 * executing (`isActive`) are left alone. Every run stays resumable and every result readable.
 */
export async function compactThread(
  store: MemoryStore,
  isActive: (runId: string) => boolean,
  opts: { threadId: string; policy?: CompactionPolicy },
  resolveModel?: (m: string | LLMClient) => Promise<LLMClient>,
): Promise<CompactionResult> {
  const policy = { dropEventsBeforeSnapshot: true, keepSnapshots: 1, ...(opts.policy ?? {}) };
  // The memory first: the compaction run it writes is itself already compact.
  const retention = policy.retention
    ? await applyRetention(store, opts.threadId, policy.retention, resolveModel ?? noModels, isActive)
    : undefined;
  const runs = await store.listRuns({ threadId: opts.threadId });
  let eventsDeleted = 0;
  let snapshotsDeleted = 0;
  for (const run of runs) {
    // A compaction run's log is three events and is the record of what was compacted: kept.
    if (isActive(run.runId) || run.agentName === COMPACTION_AGENT) continue;
    const snap = await store.getSnapshot(run.runId);
    if (!snap) continue;
    const r = await store.compactRun(run.runId, {
      ...(policy.dropEventsBeforeSnapshot ? { beforeSeq: snap.seq + 1 } : {}),
      keepSnapshots: Math.max(1, policy.keepSnapshots),
    });
    eventsDeleted += r.events;
    snapshotsDeleted += r.snapshots;
  }
  return {
    threadId: opts.threadId,
    runs: runs.length,
    eventsDeleted,
    snapshotsDeleted,
    ...(retention ? { retention } : {}),
  };
}

async function noModels(m: string | LLMClient): Promise<LLMClient> {
  if (typeof m !== 'string') return m;
  throw new AfkError('invalid_config', `no model resolver to resolve the summariser '${m}'`);
}
