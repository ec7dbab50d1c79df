import type { MemoryStore } from '../memory/types.js';
import type { CompactionPolicy, CompactionResult } from './runner-options.js';

/**
 * Applies a retention policy to a thread's runs (`Runner.compactThread`); runs this runner is
 * executing (`isActive`) are left alone. Every run stays resumable and every result readable.
 */
export async function compactThread(
  store: MemoryStore,
  isActive: (runId: string) => boolean,
  opts: { threadId: string; policy?: CompactionPolicy },
): Promise<CompactionResult> {
  const policy = { dropEventsBeforeSnapshot: true, keepSnapshots: 1, ...(opts.policy ?? {}) };
  const runs = await store.listRuns({ threadId: opts.threadId });
  let eventsDeleted = 0;
  let snapshotsDeleted = 0;
  for (const run of runs) {
    if (isActive(run.runId)) continue;
    const snap = await store.getSnapshot(run.runId);
    if (!snap) continue;
    const r = await store.compactRun(run.runId, {
      ...(policy.dropEventsBeforeSnapshot ? { beforeSeq: snap.seq + 1 } : {}),
      keepSnapshots: Math.max(1, policy.keepSnapshots),
    });
    eventsDeleted += r.events;
    snapshotsDeleted += r.snapshots;
  }
  return { threadId: opts.threadId, runs: runs.length, eventsDeleted, snapshotsDeleted };
}
