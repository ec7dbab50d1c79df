import { AfkStorageError } from '../errors/index.js';
import type { JSONValue } from '../internal/json.js';
import { approvalPrecondition, type RunAppend, runsWithoutRecord, seqConflict } from './batch.js';
import type { AfkDexie } from './dexie-schema.js';
import { RunRecordSchema } from './rows.js';
import type { EvalReportRecord, RunRecord, StoreBatch } from './types.js';

/**
 * The read-write transactions of `DexieStore`. Each is one short transaction holding only
 * IndexedDB requests: callers validate before, and wrap errors and notify after. A failure
 * anywhere inside aborts the transaction, so none of it is stored.
 */

/** The tables a batch writes: the transaction's scope (smaller scopes block fewer readers). */
export function touchedTables(b: StoreBatch): string[] {
  const t: string[] = [];
  if (b.events?.length) t.push('events');
  if (b.run || b.events?.length) t.push('runs');
  if (b.snapshot) t.push('snapshots');
  if (b.approvals?.length) t.push('approvals');
  if (b.tickets?.length) t.push('tickets');
  if (b.thread) t.push('threads');
  return t;
}

/** True when a Dexie error (a BulkError's failures included) is an IndexedDB ConstraintError. */
function hasConstraintError(e: unknown): boolean {
  const o = e as { name?: unknown; failures?: unknown; inner?: unknown };
  if (o?.name === 'ConstraintError') return true;
  if (o?.inner && hasConstraintError(o.inner)) return true;
  const failures = Array.isArray(o?.failures) ? o.failures : Object.values((o?.failures as object) ?? {});
  return failures.some((f) => (f as { name?: unknown })?.name === 'ConstraintError');
}

/** The seq of a run's newest stored event (one reverse key-cursor step), or undefined. */
async function lastSeqOf(db: AfkDexie, runId: string): Promise<number | undefined> {
  const keys = await db.events
    .where('[runId+seq]')
    .between([runId, Number.NEGATIVE_INFINITY], [runId, Number.POSITIVE_INFINITY], true, true)
    .reverse()
    .limit(1)
    .primaryKeys();
  return keys[0]?.[1];
}

/**
 * Appends a validated batch in one transaction whose requests are all issued at once (one
 * round of IndexedDB work instead of one per request: a step's write is on the runner's hot
 * path). Continuity is checked inside the same transaction: the event before each run's first
 * new seq must exist (a gap is refused; a run starting at 0 must have no events at all), and `bulkAdd` refuses any existing [runId+seq] (an
 * overlap: another writer got there first). IndexedDB serialises read-write transactions on
 * `events`, so of two writers of one run exactly one passes; a failed check aborts the whole
 * transaction, so nothing of the batch is stored.
 */
export async function writeBatch(
  db: AfkDexie,
  batch: StoreBatch,
  plan: Map<string, RunAppend>,
): Promise<void> {
  await db.transaction('rw', touchedTables(batch), () => {
    const ops: Array<Promise<unknown>> = [];
    // Issued first, so IndexedDB answers them first: of two racing decisions on one approval
    // the loser fails with approval_stale (not the events' ConstraintError).
    for (const a of batch.approvals ?? []) {
      if (a.status === 'pending') continue;
      ops.push(
        db.approvals.get(a.id).then((stored) => {
          const stale = approvalPrecondition(a, stored);
          if (stale) throw stale;
        }),
      );
    }
    for (const [runId, r] of plan) {
      if (r.first === 0) {
        // A new run (or one restarting at 0 after compaction removed seq 0): nothing may exist.
        ops.push(
          lastSeqOf(db, runId).then((last) => {
            if (last !== undefined) throw seqConflict(runId, 0, last + 1);
          }),
        );
        continue;
      }
      ops.push(
        db.events.get([runId, r.first - 1]).then(async (prev) => {
          if (prev !== undefined) return;
          const last = await lastSeqOf(db, runId);
          throw seqConflict(runId, r.first, last === undefined ? 0 : last + 1);
        }),
      );
    }
    if (batch.run) ops.push(db.runs.put(batch.run));
    // Events without their run record (a decision on an approval) still move its lastSeq.
    for (const runId of runsWithoutRecord(batch, plan)) {
      const lastSeq = plan.get(runId)!.next - 1;
      ops.push(
        db.runs.get(runId).then((rec) => {
          // A corrupt row is left untouched (reading it reports row_corrupt).
          if (RunRecordSchema.safeParse(rec).success)
            return db.runs.put({ ...(rec as RunRecord), lastSeq, updatedAt: Date.now() });
          return undefined;
        }),
      );
    }
    if (batch.snapshot) ops.push(db.snapshots.put(batch.snapshot));
    if (batch.approvals?.length) ops.push(db.approvals.bulkPut(batch.approvals));
    if (batch.tickets?.length) ops.push(db.tickets.bulkPut(batch.tickets));
    if (batch.thread) ops.push(db.threads.put(batch.thread));
    // add, not put: an existing [runId+seq] is a ConstraintError, never an overwrite.
    if (batch.events?.length) {
      ops.push(
        db.events.bulkAdd(batch.events).catch((e: unknown) => {
          // An existing [runId+seq]: another writer appended these seqs first. Say so, rather
          // than hand out IndexedDB's "Key already exists in the object store".
          if (!hasConstraintError(e)) throw e;
          const [runId, r] = [...plan][0] as [string, RunAppend];
          throw new AfkStorageError(
            'storage_error',
            `event seq ${r.first} for run ${runId} is already stored: another writer appended it first (the batch was not stored)`,
            { cause: e },
          );
        }),
      );
    }
    return Promise.all(ops);
  });
}

/** The full report in `evalResults` and a small summary row in `evalRuns`, together. */
export async function putEvalReport(db: AfkDexie, report: EvalReportRecord): Promise<void> {
  const rep = report.report;
  const summary: JSONValue =
    typeof rep === 'object' && rep !== null && !Array.isArray(rep) && rep.summary !== undefined
      ? rep.summary
      : null;
  await db.transaction('rw', [db.evalRuns, db.evalResults], async () => {
    await db.evalRuns.put({ suiteId: report.suiteId, startedAt: report.startedAt, summary });
    await db.evalResults.put(report);
  });
}

/**
 * Deletes events with `seq < beforeSeq` and all but the newest `keepSnapshots` snapshots. The
 * run's newest event is always kept: it anchors seq continuity for the next write.
 */
export async function compactRun(
  db: AfkDexie,
  runId: string,
  opts: { beforeSeq?: number; keepSnapshots?: number },
): Promise<{ events: number; snapshots: number }> {
  return db.transaction('rw', [db.events, db.snapshots], async () => {
    let events = 0;
    let snapshots = 0;
    const last = opts.beforeSeq === undefined ? undefined : await lastSeqOf(db, runId);
    if (opts.beforeSeq !== undefined && last !== undefined) {
      events = await db.events
        .where('[runId+seq]')
        .between([runId, Number.NEGATIVE_INFINITY], [runId, Math.min(opts.beforeSeq, last)], true, false)
        .delete();
    }
    if (opts.keepSnapshots !== undefined) {
      const keys = await db.snapshots
        .where('[runId+seq]')
        .between([runId, Number.NEGATIVE_INFINITY], [runId, Number.POSITIVE_INFINITY], true, true)
        .primaryKeys();
      const drop = keys.slice(0, Math.max(0, keys.length - Math.max(0, opts.keepSnapshots)));
      if (drop.length) await db.snapshots.bulkDelete(drop);
      snapshots = drop.length;
    }
    return { events, snapshots };
  });
}
