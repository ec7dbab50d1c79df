import type { z } from 'zod';
import { AfkError, AfkStorageError, fromZodIssues } from '../errors/index.js';
import type { ApprovalRequest } from '../events/records.js';
import { ApprovalRequestSchema, BackgroundTicketSchema } from '../events/records.js';
import { RunEventSchema } from '../events/run-event.js';
import { RunRecordSchema, RunSnapshotEnvelopeSchema, ThreadRecordSchema } from './rows.js';
import { SNAPSHOT_VERSION, type StoreBatch, type StoreChange } from './types.js';

/** The seq range a batch appends to one run: `first..next-1`. */
export interface RunAppend {
  first: number;
  next: number;
}

/**
 * Checks a batch before any of it is stored (pure, no I/O): event keys are well formed and each
 * run's events are consecutive inside the batch; the snapshot has this build's version. With
 * `deep`, every record is also validated against its zod schema (`checkRecords`), so a durable
 * store never persists a row it would later refuse to read. Returns the seq range appended per
 * run; the caller checks `first` against the stored log inside its transaction.
 */
export function planBatch(batch: StoreBatch, opts: { deep: boolean }): Map<string, RunAppend> {
  const plan = new Map<string, RunAppend>();
  const events = batch.events ?? [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (typeof e.runId !== 'string' || e.runId === '' || !Number.isSafeInteger(e.seq) || e.seq < 0) {
      throw (
        (opts.deep ? recordError(RunEventSchema, e, `events[${i}]`) : undefined) ??
        new AfkStorageError('invalid_argument', `events[${i}] needs a runId and a non-negative integer seq`)
      );
    }
    const cur = plan.get(e.runId);
    if (!cur) plan.set(e.runId, { first: e.seq, next: e.seq + 1 });
    else if (e.seq !== cur.next) {
      throw new AfkStorageError(
        'storage_error',
        `event seq ${e.seq} for run ${e.runId} does not follow seq ${cur.next - 1} in the same batch`,
      );
    } else cur.next++;
  }
  if (opts.deep) checkRecords(batch);
  if (batch.snapshot) {
    if (batch.snapshot.version !== SNAPSHOT_VERSION) {
      throw new AfkStorageError(
        'invalid_argument',
        `snapshot version ${batch.snapshot.version} is not this build's SNAPSHOT_VERSION ${SNAPSHOT_VERSION}`,
      );
    }
    if (batch.snapshot.state === undefined)
      throw new AfkStorageError('invalid_argument', 'snapshot has no state');
  }
  return plan;
}

/**
 * Validates every record of a batch against its zod schema (`invalid_argument`, naming the
 * first bad record). Pure: a store that issues its requests first may run it while IndexedDB
 * works, as long as a failure still aborts the transaction before it commits.
 */
export function checkRecords(batch: StoreBatch): void {
  const events = batch.events ?? [];
  for (let i = 0; i < events.length; i++) check(RunEventSchema, events[i], `events[${i}]`);
  if (batch.snapshot) check(RunSnapshotEnvelopeSchema, batch.snapshot, 'snapshot');
  if (batch.run) check(RunRecordSchema, batch.run, 'run');
  if (batch.thread) check(ThreadRecordSchema, batch.thread, 'thread');
  for (const [i, a] of (batch.approvals ?? []).entries()) check(ApprovalRequestSchema, a, `approvals[${i}]`);
  for (const [i, t] of (batch.tickets ?? []).entries()) check(BackgroundTicketSchema, t, `tickets[${i}]`);
}

/** The error for a batch whose first event does not continue the stored log. */
export function seqConflict(runId: string, got: number, expected: number): AfkStorageError {
  return new AfkStorageError(
    'storage_error',
    `event seq ${got} for run ${runId} does not continue the log (expected ${expected}); another writer?`,
  );
}

/**
 * The precondition of an approval row write, checked inside the write's transaction by every
 * store: a decided row (status other than `pending`) may only replace a pending row (or be the
 * first row of an approval decided in-process). Of two concurrent decisions on one approval the
 * loser gets `approval_stale`, never a raw storage error; nothing of its batch is stored.
 * Returns the error, or undefined when the write may go ahead.
 */
export function approvalPrecondition(
  incoming: ApprovalRequest,
  stored: { status?: unknown } | undefined,
): AfkError | undefined {
  if (incoming.status === 'pending' || stored === undefined || stored.status === 'pending') return undefined;
  return new AfkError(
    'approval_stale',
    `approval ${incoming.id} was already decided (${String(stored.status)}); this decision (${incoming.status}) was not stored`,
  );
}

/** Runs whose events a batch appends without carrying their run record (its lastSeq must follow). */
export function runsWithoutRecord(batch: StoreBatch, plan: Map<string, RunAppend>): string[] {
  const out: string[] = [];
  for (const runId of plan.keys()) if (batch.run?.runId !== runId) out.push(runId);
  return out;
}

/** The `watch` notification of a stored eval report: the suite id, kind `eval`. */
export function evalReportChange(report: { suiteId: string }): StoreChange {
  return { runId: report.suiteId, lastSeq: -1, kind: 'eval' };
}

/** The `watch` notifications a committed batch produces, in a stable order. */
export function batchChanges(batch: StoreBatch, plan: Map<string, RunAppend>): StoreChange[] {
  const changes: StoreChange[] = [];
  for (const [runId, r] of plan) changes.push({ runId, lastSeq: r.next - 1, kind: 'events' });
  if (batch.run) changes.push({ runId: batch.run.runId, lastSeq: batch.run.lastSeq, kind: 'run' });
  for (const a of batch.approvals ?? []) changes.push({ runId: a.runId, lastSeq: -1, kind: 'approval' });
  for (const t of batch.tickets ?? []) changes.push({ runId: t.runId, lastSeq: -1, kind: 'ticket' });
  return changes;
}

function check(schema: z.ZodType, value: unknown, where: string): void {
  const err = recordError(schema, value, where);
  if (err) throw err;
}

/** The `invalid_argument` error for a record `schema` refuses (undefined when it is valid). */
function recordError(schema: z.ZodType, value: unknown, where: string): AfkStorageError | undefined {
  const r = schema.safeParse(value);
  if (r.success) return undefined;
  const issues = fromZodIssues(r.error.issues);
  return new AfkStorageError(
    'invalid_argument',
    `batch ${where} is invalid: ${issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ')}`,
    { issues: issues.map((i) => ({ ...i, path: [where, ...i.path] })) },
  );
}
