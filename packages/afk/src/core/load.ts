import { AfkStorageError } from '../errors/index.js';
import type { RunEvent } from '../events/run-event.js';
import type { MemoryStore } from '../memory/types.js';
import { foldRun, fromSnapshot, type RunFoldState } from './fold.js';

/**
 * Rehydrates a run: the latest snapshot plus a fold of the events after it. Undefined when the
 * run has no events. Before anything is folded the log is checked: its seqs must run without a
 * gap from the snapshot (or seq 0) up to the run record's `lastSeq` (or `atSeq`), and no event
 * may lie past `lastSeq` (a foreign row). A gap, a missing tail or a foreign row is
 * `AfkStorageError` `log_corrupt`; a malformed snapshot is `checkpoint_corrupt`. Nothing is
 * written either way.
 */
export async function loadRunState(
  store: MemoryStore,
  runId: string,
  atSeq?: number,
): Promise<RunFoldState | undefined> {
  const [snap, record] = await Promise.all([store.getSnapshot(runId, atSeq), store.getRun(runId)]);
  const base = snap ? fromSnapshot(snap) : undefined;
  const from = snap ? snap.seq + 1 : 0;
  const tail = await store.readEvents(runId, {
    fromSeq: from,
    ...(atSeq === undefined ? {} : { toSeq: atSeq }),
  });
  if (!base && tail.length === 0 && (!record || record.lastSeq < 0)) return undefined;
  checkContinuity(runId, tail, from, record?.lastSeq, atSeq);
  const state = foldRun(tail, base);
  // A fork's origin lives on its record only: keep it on the state so the next write keeps it.
  if (record?.forkedFrom) state.forkedFrom = { ...record.forkedFrom };
  return state;
}

function corrupt(runId: string, what: string): AfkStorageError {
  return new AfkStorageError(
    'log_corrupt',
    `the stored log of run ${runId} is corrupt: ${what}; nothing was resumed or written`,
  );
}

/**
 * The tail must be `from, from+1, ...` and end exactly at the run record's `lastSeq` (capped by
 * `atSeq` for time travel). Without a run record (a log written by hand), only the gaps are checked.
 */
function checkContinuity(
  runId: string,
  tail: readonly RunEvent[],
  from: number,
  lastSeq: number | undefined,
  atSeq: number | undefined,
): void {
  let expected = from;
  for (const e of tail) {
    if (e.seq !== expected) {
      throw corrupt(
        runId,
        e.seq > expected
          ? `event${e.seq - expected > 1 ? `s ${expected}..${e.seq - 1} are` : ` ${expected} is`} missing before seq ${e.seq}`
          : `event seq ${e.seq} is out of order (expected ${expected})`,
      );
    }
    if (lastSeq !== undefined && e.seq > lastSeq) {
      throw corrupt(runId, `event ${e.seq} lies past the run record's lastSeq ${lastSeq} (a foreign row?)`);
    }
    expected++;
  }
  if (lastSeq === undefined) return;
  const end = atSeq === undefined ? lastSeq : Math.min(atSeq, lastSeq);
  if (from - 1 > lastSeq) {
    throw corrupt(runId, `its snapshot at seq ${from - 1} lies past the run record's lastSeq ${lastSeq}`);
  }
  if (expected - 1 < end) {
    throw corrupt(
      runId,
      `event${end - expected > 0 ? `s ${expected}..${end} are` : ` ${expected} is`} missing (the run record's lastSeq is ${lastSeq})`,
    );
  }
}
