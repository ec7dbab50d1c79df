import type { z } from 'zod';
import { AfkStorageError } from '../../errors/index.js';
import type { ApprovalRequest, BackgroundTicket } from '../../events/records.js';
import { ApprovalRequestSchema, BackgroundTicketSchema } from '../../events/records.js';
import { type RunEvent, RunEventSchema } from '../../events/run-event.js';
import {
  EvalReportRecordSchema,
  parseRow,
  parseSnapshotRow,
  RunRecordSchema,
  rowLabel,
  ThreadRecordSchema,
} from '../rows.js';
import type {
  ApprovalFilter,
  EvalReportRecord,
  ReadEventsOptions,
  RunFilter,
  RunRecord,
  RunSnapshot,
  ThreadRecord,
  TicketFilter,
} from '../types.js';
import type { SqlQueryable } from './driver.js';

/**
 * The read queries of `PostgresStore`: one indexed statement each, then every row is validated
 * (zod) and its JSON checked against its key columns. A row that fails is `row_corrupt`
 * (snapshots: `checkpoint_corrupt`), naming the table and key; nothing is rewritten.
 */

interface DataRow {
  data: unknown;
}

/** Parses `data` and checks that the record's own key fields match the row's key columns. */
function decode<T>(
  schema: z.ZodType,
  table: string,
  key: unknown,
  data: unknown,
  fields: readonly string[],
): T {
  const out = parseRow<T>(schema, table, key, data);
  checkKeys(table, key, out, fields);
  return out;
}

function checkKeys(table: string, key: unknown, record: unknown, fields: readonly string[]): void {
  const keys = fields.length === 1 ? [key] : (key as unknown[]);
  const r = record as Record<string, unknown>;
  fields.forEach((f, i) => {
    if (r[f] !== keys[i]) {
      throw new AfkStorageError(
        'row_corrupt',
        `${rowLabel(table, key)} holds a record keyed ${f}=${JSON.stringify(r[f])}: foreign row; it was left untouched`,
        { issues: [{ path: [f], message: 'does not match the row key' }] },
      );
    }
  });
}

/** The SQL text of `$n` for the next parameter. */
function param(params: unknown[], value: unknown): string {
  params.push(value);
  return `$${params.length}`;
}

export async function queryEvents(
  q: SqlQueryable,
  s: string,
  runId: string,
  opts: ReadEventsOptions = {},
): Promise<RunEvent[]> {
  if (opts.limit !== undefined && opts.limit <= 0) return [];
  const params: unknown[] = [runId];
  let where = 'run_id = $1';
  if (opts.fromSeq !== undefined) where += ` AND seq >= ${param(params, opts.fromSeq)}`;
  if (opts.toSeq !== undefined) where += ` AND seq <= ${param(params, opts.toSeq)}`;
  const limit = opts.limit === undefined ? '' : ` LIMIT ${param(params, opts.limit)}`;
  const r = await q.query<DataRow & { seq: number }>(
    `SELECT seq::float8 AS seq, data FROM ${s}.afk_events WHERE ${where} ORDER BY seq${limit}`,
    params,
  );
  return r.rows.map((row) =>
    decode<RunEvent>(RunEventSchema, 'events', [runId, row.seq], row.data, ['runId', 'seq']),
  );
}

export async function queryRun(q: SqlQueryable, s: string, runId: string): Promise<RunRecord | undefined> {
  const r = await q.query<DataRow>(`SELECT data FROM ${s}.afk_runs WHERE run_id = $1`, [runId]);
  const row = r.rows[0];
  return row && decode<RunRecord>(RunRecordSchema, 'runs', runId, row.data, ['runId']);
}

export async function queryRuns(q: SqlQueryable, s: string, filter: RunFilter = {}): Promise<RunRecord[]> {
  if (filter.limit !== undefined && filter.limit <= 0) return [];
  const params: unknown[] = [];
  const where: string[] = [];
  if (filter.threadId !== undefined) where.push(`thread_id = ${param(params, filter.threadId)}`);
  if (filter.status !== undefined) where.push(`status = ${param(params, filter.status)}`);
  const limit = filter.limit === undefined ? '' : ` LIMIT ${param(params, filter.limit)}`;
  const r = await q.query<DataRow & { run_id: string }>(
    `SELECT run_id, data FROM ${s}.afk_runs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, run_id DESC${limit}`,
    params,
  );
  return r.rows.map((row) => decode<RunRecord>(RunRecordSchema, 'runs', row.run_id, row.data, ['runId']));
}

export async function querySnapshot(
  q: SqlQueryable,
  s: string,
  runId: string,
  maxSeq?: number,
): Promise<RunSnapshot | undefined> {
  const params: unknown[] = [runId];
  const bound = maxSeq === undefined ? '' : ` AND seq <= ${param(params, maxSeq)}`;
  const r = await q.query<DataRow & { seq: number }>(
    `SELECT seq::float8 AS seq, data FROM ${s}.afk_snapshots WHERE run_id = $1${bound} ORDER BY seq DESC LIMIT 1`,
    params,
  );
  const row = r.rows[0];
  if (!row) return undefined;
  const key = [runId, row.seq];
  const snap = parseSnapshotRow<RunSnapshot>('snapshots', key, row.data);
  if (snap.runId !== runId || snap.seq !== row.seq) {
    throw new AfkStorageError(
      'checkpoint_corrupt',
      `${rowLabel('snapshots', key)} holds the snapshot of ${snap.runId} at ${snap.seq}: foreign row; it was left untouched`,
    );
  }
  return snap;
}

export async function queryApproval(
  q: SqlQueryable,
  s: string,
  id: string,
): Promise<ApprovalRequest | undefined> {
  const r = await q.query<DataRow>(`SELECT data FROM ${s}.afk_approvals WHERE id = $1`, [id]);
  const row = r.rows[0];
  return row && decode<ApprovalRequest>(ApprovalRequestSchema, 'approvals', id, row.data, ['id']);
}

export async function queryApprovals(
  q: SqlQueryable,
  s: string,
  filter: ApprovalFilter = {},
): Promise<ApprovalRequest[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (filter.threadId !== undefined) where.push(`thread_id = ${param(params, filter.threadId)}`);
  if (filter.runId !== undefined) where.push(`run_id = ${param(params, filter.runId)}`);
  if (filter.rootRunId !== undefined) where.push(`root_run_id = ${param(params, filter.rootRunId)}`);
  if (filter.status !== undefined) where.push(`status = ${param(params, filter.status)}`);
  const r = await q.query<DataRow & { id: string }>(
    `SELECT id, data FROM ${s}.afk_approvals${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`,
    params,
  );
  return r.rows.map((row) =>
    decode<ApprovalRequest>(ApprovalRequestSchema, 'approvals', row.id, row.data, ['id']),
  );
}

export async function queryTicket(
  q: SqlQueryable,
  s: string,
  ticketId: string,
): Promise<BackgroundTicket | undefined> {
  const r = await q.query<DataRow>(`SELECT data FROM ${s}.afk_tickets WHERE ticket_id = $1`, [ticketId]);
  const row = r.rows[0];
  return row && decode<BackgroundTicket>(BackgroundTicketSchema, 'tickets', ticketId, row.data, ['ticketId']);
}

export async function queryTickets(
  q: SqlQueryable,
  s: string,
  filter: TicketFilter = {},
): Promise<BackgroundTicket[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (filter.threadId !== undefined) where.push(`thread_id = ${param(params, filter.threadId)}`);
  if (filter.runId !== undefined) where.push(`run_id = ${param(params, filter.runId)}`);
  if (!filter.includeResolved) where.push(`status = 'pending'`);
  const r = await q.query<DataRow & { ticket_id: string }>(
    `SELECT ticket_id, data FROM ${s}.afk_tickets${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, ticket_id`,
    params,
  );
  return r.rows.map((row) =>
    decode<BackgroundTicket>(BackgroundTicketSchema, 'tickets', row.ticket_id, row.data, ['ticketId']),
  );
}

export async function queryThread(
  q: SqlQueryable,
  s: string,
  threadId: string,
): Promise<ThreadRecord | undefined> {
  const r = await q.query<DataRow>(`SELECT data FROM ${s}.afk_threads WHERE thread_id = $1`, [threadId]);
  const row = r.rows[0];
  return row && decode<ThreadRecord>(ThreadRecordSchema, 'threads', threadId, row.data, ['threadId']);
}

export async function queryEvalReports(
  q: SqlQueryable,
  s: string,
  limit: number,
): Promise<EvalReportRecord[]> {
  if (limit <= 0) return [];
  const r = await q.query<DataRow & { suite_id: string; started_at: number }>(
    `SELECT suite_id, started_at, data FROM ${s}.afk_eval_results ORDER BY started_at DESC, suite_id DESC LIMIT $1`,
    [limit],
  );
  return r.rows.map((row) =>
    decode<EvalReportRecord>(
      EvalReportRecordSchema,
      'evalResults',
      [row.suite_id, row.started_at],
      row.data,
      ['suiteId', 'startedAt'],
    ),
  );
}
