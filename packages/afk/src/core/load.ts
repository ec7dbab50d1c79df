import type { MemoryStore } from '../memory/types.js';
import { foldRun, fromSnapshot, type RunFoldState } from './fold.js';

/**
 * Rehydrates a run: the latest snapshot plus a fold of the events after it. Undefined when the
 * run has no events. A corrupt snapshot or event is an `AfkStorageError`; nothing is written.
 */
export async function loadRunState(
  store: MemoryStore,
  runId: string,
  atSeq?: number,
): Promise<RunFoldState | undefined> {
  const snap = await store.getSnapshot(runId, atSeq);
  const base = snap ? fromSnapshot(snap) : undefined;
  const tail = await store.readEvents(runId, {
    fromSeq: snap ? snap.seq + 1 : 0,
    ...(atSeq === undefined ? {} : { toSeq: atSeq }),
  });
  if (!base && tail.length === 0) return undefined;
  return foldRun(tail, base);
}
