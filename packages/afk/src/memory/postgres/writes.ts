import type { ApprovalRequest, BackgroundTicket } from '../../events/records.js';
import type { RunEvent } from '../../events/run-event.js';
import type { JSONValue } from '../../internal/json.js';
import { approvalPrecondition, type RunAppend, runsWithoutRecord, seqConflict } from '../batch.js';
import type { EvalReportRecord, RunRecord, RunSnapshot, StoreBatch, ThreadRecord } from '../types.js';
import type { SqlQueryable } from './driver.js';

/**
 * The writing statements of `PostgresStore`. A batch is one transaction: the continuity check
 * (one conditional statement per run on `afk_run_heads`), then the rows, then `pg_notify`
 * (delivered on commit only). Any failure rolls the whole batch back.
 */

/** Rows per multi-row INSERT (3 parameters each; PostgreSQL allows 65535 parameters). */
const EVENTS_PER_INSERT = 1_000;

const json = (v: unknown): string => JSON.stringify(v);

/**
 * Advances a run's head from `first` to `next` or refuses: a new run (`first === 0`) inserts
 * its head and fails when one exists; a continuing run updates the head only `WHERE next_seq =
 * first`. Both are single statements on one row, so of two concurrent writers of one run the
 * second blocks on the row, re-checks the condition after the first commits, and finds it
 * false: no read-then-write race.
 */
async function advanceHead(tx: SqlQueryable, s: string, runId: string, r: RunAppend): Promise<void> {
  const res =
    r.first === 0
      ? await tx.query(
          `INSERT INTO ${s}.afk_run_heads (run_id, next_seq) VALUES ($1, $2) ON CONFLICT (run_id) DO NOTHING RETURNING run_id`,
          [runId, r.next],
        )
      : await tx.query(
          `UPDATE ${s}.afk_run_heads SET next_seq = $3 WHERE run_id = $1 AND next_seq = $2 RETURNING run_id`,
          [runId, r.first, r.next],
        );
  if (res.rowCount > 0) return;
  const cur = await tx.query<{ next_seq: string | number }>(
    `SELECT next_seq FROM ${s}.afk_run_heads WHERE run_id = $1`,
    [runId],
  );
  throw seqConflict(runId, r.first, cur.rows[0] ? Number(cur.rows[0].next_seq) : 0);
}

async function insertEvents(tx: SqlQueryable, s: string, events: RunEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += EVENTS_PER_INSERT) {
    const chunk = events.slice(i, i + EVENTS_PER_INSERT);
    const params: unknown[] = [];
    const values = chunk.map((e) => {
      params.push(e.runId, e.seq, json(e));
      const n = params.length;
      return `($${n - 2}, $${n - 1}, $${n}::json)`;
    });
    // A plain INSERT: an existing (run_id, seq) is a unique violation, never an overwrite.
    await tx.query(`INSERT INTO ${s}.afk_events (run_id, seq, data) VALUES ${values.join(', ')}`, params);
  }
}

export async function upsertRun(tx: SqlQueryable, s: string, run: RunRecord): Promise<void> {
  await tx.query(
    `INSERT INTO ${s}.afk_runs (run_id, thread_id, status, started_at, updated_at, data) VALUES ($1, $2, $3, $4, $5, $6::json)
     ON CONFLICT (run_id) DO UPDATE SET thread_id = EXCLUDED.thread_id, status = EXCLUDED.status,
       started_at = EXCLUDED.started_at, updated_at = EXCLUDED.updated_at, data = EXCLUDED.data`,
    [run.runId, run.threadId, run.status, run.startedAt, run.updatedAt, json(run)],
  );
}

async function upsertSnapshot(tx: SqlQueryable, s: string, snap: RunSnapshot): Promise<void> {
  await tx.query(
    `INSERT INTO ${s}.afk_snapshots (run_id, seq, data) VALUES ($1, $2, $3::json)
     ON CONFLICT (run_id, seq) DO UPDATE SET data = EXCLUDED.data`,
    [snap.runId, snap.seq, json(snap)],
  );
}

/**
 * Puts an approval. With `onlyIfPending`, an existing row is replaced only while its stored
 * status is still `pending` (a conditional `UPDATE … WHERE status = 'pending'`); returns
 * whether the row was written, so a caller can report the loser of two decisions as stale.
 */
export async function upsertApproval(
  tx: SqlQueryable,
  s: string,
  a: ApprovalRequest,
  opts: { onlyIfPending?: boolean } = {},
): Promise<boolean> {
  const guard = opts.onlyIfPending ? ` WHERE ${s}.afk_approvals.status = 'pending'` : '';
  const r = await tx.query(
    `INSERT INTO ${s}.afk_approvals (id, run_id, thread_id, root_run_id, status, created_at, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7::json)
     ON CONFLICT (id) DO UPDATE SET run_id = EXCLUDED.run_id, thread_id = EXCLUDED.thread_id,
       root_run_id = EXCLUDED.root_run_id, status = EXCLUDED.status, created_at = EXCLUDED.created_at,
       data = EXCLUDED.data${guard}`,
    [a.id, a.runId, a.threadId, a.rootRunId, a.status, a.createdAt, json(a)],
  );
  return r.rowCount > 0;
}

async function upsertTicket(tx: SqlQueryable, s: string, t: BackgroundTicket): Promise<void> {
  await tx.query(
    `INSERT INTO ${s}.afk_tickets (ticket_id, run_id, thread_id, status, created_at, data)
     VALUES ($1, $2, $3, $4, $5, $6::json)
     ON CONFLICT (ticket_id) DO UPDATE SET run_id = EXCLUDED.run_id, thread_id = EXCLUDED.thread_id,
       status = EXCLUDED.status, created_at = EXCLUDED.created_at, data = EXCLUDED.data`,
    [t.ticketId, t.runId, t.threadId, t.status, t.createdAt, json(t)],
  );
}

async function upsertThread(tx: SqlQueryable, s: string, t: ThreadRecord): Promise<void> {
  await tx.query(
    `INSERT INTO ${s}.afk_threads (thread_id, data) VALUES ($1, $2::json)
     ON CONFLICT (thread_id) DO UPDATE SET data = EXCLUDED.data`,
    [t.threadId, json(t)],
  );
}

/**
 * Writes a validated batch in the open transaction `tx`, then queues `notifications` on
 * `channel` (PostgreSQL delivers them at commit, and drops them on rollback).
 */
export async function writeBatch(
  tx: SqlQueryable,
  s: string,
  batch: StoreBatch,
  plan: Map<string, RunAppend>,
  channel: string,
  notifications: readonly string[],
): Promise<void> {
  // A decision only replaces a pending row (checked by the database, so two deciding at once
  // cannot both win): the loser gets approval_stale and the whole batch rolls back. Checked
  // before the seq heads, so a decision that also appends events reports the stale decision.
  for (const a of batch.approvals ?? []) {
    if (!(await upsertApproval(tx, s, a, { onlyIfPending: a.status !== 'pending' }))) {
      const cur = await tx.query<{ status: string }>(`SELECT status FROM ${s}.afk_approvals WHERE id = $1`, [
        a.id,
      ]);
      throw approvalPrecondition(a, { status: cur.rows[0]?.status ?? 'decided' }) as Error;
    }
  }
  for (const [runId, r] of plan) await advanceHead(tx, s, runId, r);
  if (batch.events?.length) await insertEvents(tx, s, batch.events);
  if (batch.run) await upsertRun(tx, s, batch.run);
  // Events appended without their run record still move its lastSeq (as in every store).
  for (const runId of runsWithoutRecord(batch, plan)) {
    const now = Date.now();
    await tx.query(
      `UPDATE ${s}.afk_runs SET updated_at = $2,
         data = (data::jsonb || jsonb_build_object('lastSeq', $3::bigint, 'updatedAt', $4::bigint))::json
       WHERE run_id = $1`,
      [runId, now, (plan.get(runId) as RunAppend).next - 1, now],
    );
  }
  if (batch.snapshot) await upsertSnapshot(tx, s, batch.snapshot);
  for (const t of batch.tickets ?? []) await upsertTicket(tx, s, t);
  if (batch.thread) await upsertThread(tx, s, batch.thread);
  for (const payload of notifications) await tx.query('SELECT pg_notify($1, $2)', [channel, payload]);
}

/**
 * The full report in `afk_eval_results` and a small summary row in `afk_eval_runs`, then the
 * `eval` change notification (delivered on commit).
 */
export async function putEvalReport(
  tx: SqlQueryable,
  s: string,
  report: EvalReportRecord,
  channel: string,
  notifications: readonly string[],
): Promise<void> {
  const rep = report.report;
  const summary: JSONValue =
    typeof rep === 'object' && rep !== null && !Array.isArray(rep) && rep.summary !== undefined
      ? rep.summary
      : null;
  await tx.query(
    `INSERT INTO ${s}.afk_eval_runs (suite_id, started_at, summary) VALUES ($1, $2, $3::json)
     ON CONFLICT (suite_id, started_at) DO UPDATE SET summary = EXCLUDED.summary`,
    [report.suiteId, report.startedAt, json(summary)],
  );
  await tx.query(
    `INSERT INTO ${s}.afk_eval_results (suite_id, started_at, data) VALUES ($1, $2, $3::json)
     ON CONFLICT (suite_id, started_at) DO UPDATE SET data = EXCLUDED.data`,
    [report.suiteId, report.startedAt, json(report)],
  );
  for (const payload of notifications) await tx.query('SELECT pg_notify($1, $2)', [channel, payload]);
}

/**
 * Deletes events with `seq < beforeSeq` (never the run's newest) and all but the newest
 * `keepSnapshots` snapshots, in the open transaction `tx`.
 */
export async function compactRun(
  tx: SqlQueryable,
  s: string,
  runId: string,
  opts: { beforeSeq?: number; keepSnapshots?: number },
): Promise<{ events: number; snapshots: number }> {
  let events = 0;
  let snapshots = 0;
  if (opts.beforeSeq !== undefined) {
    const r = await tx.query(
      `DELETE FROM ${s}.afk_events WHERE run_id = $1 AND seq < LEAST($2::float8,
         (SELECT max(seq) FROM ${s}.afk_events WHERE run_id = $1))`,
      [runId, opts.beforeSeq],
    );
    events = r.rowCount;
  }
  if (opts.keepSnapshots !== undefined) {
    const r = await tx.query(
      `DELETE FROM ${s}.afk_snapshots WHERE run_id = $1 AND seq NOT IN
         (SELECT seq FROM ${s}.afk_snapshots WHERE run_id = $1 ORDER BY seq DESC LIMIT $2)`,
      [runId, Math.max(0, Math.floor(opts.keepSnapshots))],
    );
    snapshots = r.rowCount;
  }
  return { events, snapshots };
}
