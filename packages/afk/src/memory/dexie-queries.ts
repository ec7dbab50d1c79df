import type { Collection } from 'dexie';
import type { AfkStorageError } from '../errors/index.js';
import type { ApprovalRequest, BackgroundTicket } from '../events/records.js';
import { ApprovalRequestSchema, BackgroundTicketSchema } from '../events/records.js';
import { type RunEvent, RunEventSchema } from '../events/run-event.js';
import type { AfkDexie } from './dexie-schema.js';
import {
  EvalReportRecordSchema,
  parseRow,
  parseSnapshotRow,
  RunRecordSchema,
  ThreadRecordSchema,
} from './rows.js';
import { type RunScanFilter, type RunScanRow, rawRunMatches, scanText } from './run-scan.js';
import { trustedEvents } from './trusted-events.js';
import type {
  ApprovalFilter,
  EvalReportRecord,
  ReadEventsOptions,
  RunFilter,
  RunRecord,
  RunSnapshot,
  ThreadRecord,
  TicketFilter,
} from './types.js';

/**
 * The read queries of `DexieStore`, each one indexed query and then a validation pass over the
 * rows (outside any transaction). They are plain Dexie queries, so they also work inside
 * `liveQuery` and re-run when the tables they read change.
 */

function keyOf(row: unknown, ...fields: string[]): unknown {
  if (typeof row !== 'object' || row === null) return undefined;
  const r = row as Record<string, unknown>;
  return fields.length === 1 ? r[fields[0]!] : fields.map((f) => r[f]);
}

export async function queryEvents(
  db: AfkDexie,
  runId: string,
  opts: ReadEventsOptions = {},
): Promise<RunEvent[]> {
  if (opts.limit !== undefined && opts.limit <= 0) return [];
  let coll = db.events
    .where('[runId+seq]')
    .between(
      [runId, opts.fromSeq ?? Number.NEGATIVE_INFINITY],
      [runId, opts.toSeq ?? Number.POSITIVE_INFINITY],
      true,
      true,
    );
  if (opts.limit !== undefined) coll = coll.limit(opts.limit);
  const rows: unknown[] = await coll.toArray();
  if (opts.validate === 'structural') return trustedEvents(runId, rows);
  return rows.map((row) => parseRow<RunEvent>(RunEventSchema, 'events', keyOf(row, 'runId', 'seq'), row));
}

export async function queryRun(db: AfkDexie, runId: string): Promise<RunRecord | undefined> {
  const row: unknown = await db.runs.get(runId);
  return row === undefined ? undefined : parseRow<RunRecord>(RunRecordSchema, 'runs', runId, row);
}

export async function queryRuns(db: AfkDexie, filter: RunFilter = {}): Promise<RunRecord[]> {
  if (filter.limit !== undefined && filter.limit <= 0) return [];
  const { threadId, status } = filter;
  // Newest first straight from an index; the status test runs on raw rows before the limit.
  let coll: Collection<RunRecord, string> =
    threadId !== undefined
      ? db.runs
          .where('[threadId+startedAt]')
          .between([threadId, Number.NEGATIVE_INFINITY], [threadId, Number.POSITIVE_INFINITY], true, true)
          .reverse()
      : db.runs.orderBy('startedAt').reverse();
  if (status !== undefined) coll = coll.filter((r: unknown) => keyOf(r, 'status') === status);
  if (filter.limit !== undefined) coll = coll.limit(filter.limit);
  const rows: unknown[] = await coll.toArray();
  return rows.map((row) => parseRow<RunRecord>(RunRecordSchema, 'runs', keyOf(row, 'runId'), row));
}

/** `DexieStore.scanRuns`: newest first on the `startedAt` index, raw rows filtered, then validated one by one. */
export async function scanRuns(db: AfkDexie, f: RunScanFilter = {}): Promise<RunScanRow[]> {
  if (f.limit !== undefined && f.limit <= 0) return [];
  const text = scanText(f);
  let coll: Collection<RunRecord, string> =
    f.threadId !== undefined
      ? db.runs
          .where('[threadId+startedAt]')
          .between([f.threadId, Number.NEGATIVE_INFINITY], [f.threadId, Number.POSITIVE_INFINITY], true, true)
          .reverse()
      : db.runs.orderBy('startedAt').reverse();
  const filtered = f.topLevel || f.agentName !== undefined || f.status?.length || text !== undefined;
  if (filtered) coll = coll.filter((r: unknown) => rawRunMatches(r, f, text));
  if (f.limit !== undefined) coll = coll.limit(f.limit);
  const rows: unknown[] = await coll.toArray();
  return rows.map((row) => {
    const key = keyOf(row, 'runId');
    const runId = typeof key === 'string' ? key : String(key);
    try {
      return { runId, run: parseRow<RunRecord>(RunRecordSchema, 'runs', key, row) };
    } catch (error) {
      return { runId, error: error as AfkStorageError };
    }
  });
}

export async function querySnapshot(
  db: AfkDexie,
  runId: string,
  maxSeq?: number,
): Promise<RunSnapshot | undefined> {
  const row: unknown = await db.snapshots
    .where('[runId+seq]')
    .between([runId, Number.NEGATIVE_INFINITY], [runId, maxSeq ?? Number.POSITIVE_INFINITY], true, true)
    .last();
  return row === undefined
    ? undefined
    : parseSnapshotRow<RunSnapshot>('snapshots', keyOf(row, 'runId', 'seq'), row);
}

export async function queryApproval(db: AfkDexie, id: string): Promise<ApprovalRequest | undefined> {
  const row: unknown = await db.approvals.get(id);
  return row === undefined
    ? undefined
    : parseRow<ApprovalRequest>(ApprovalRequestSchema, 'approvals', id, row);
}

export async function queryApprovals(db: AfkDexie, f: ApprovalFilter = {}): Promise<ApprovalRequest[]> {
  // The most selective index the filter allows; the other fields are tested on validated rows.
  const rows: unknown[] =
    f.runId !== undefined
      ? await db.approvals.where('runId').equals(f.runId).toArray()
      : f.rootRunId !== undefined
        ? await db.approvals.where('rootRunId').equals(f.rootRunId).toArray()
        : f.threadId !== undefined
          ? await db.approvals.where('threadId').equals(f.threadId).toArray()
          : f.status !== undefined
            ? await db.approvals.where('status').equals(f.status).toArray()
            : await db.approvals.toArray();
  return rows
    .map((row) => parseRow<ApprovalRequest>(ApprovalRequestSchema, 'approvals', keyOf(row, 'id'), row))
    .filter(
      (a) =>
        (f.threadId === undefined || a.threadId === f.threadId) &&
        (f.runId === undefined || a.runId === f.runId) &&
        (f.rootRunId === undefined || a.rootRunId === f.rootRunId) &&
        (f.status === undefined || a.status === f.status),
    )
    .sort((a, b) => a.createdAt - b.createdAt);
}

export async function queryTicket(db: AfkDexie, ticketId: string): Promise<BackgroundTicket | undefined> {
  const row: unknown = await db.tickets.get(ticketId);
  return row === undefined
    ? undefined
    : parseRow<BackgroundTicket>(BackgroundTicketSchema, 'tickets', ticketId, row);
}

export async function queryTickets(db: AfkDexie, f: TicketFilter = {}): Promise<BackgroundTicket[]> {
  const rows: unknown[] =
    f.runId !== undefined
      ? await db.tickets.where('runId').equals(f.runId).toArray()
      : f.threadId !== undefined
        ? await db.tickets.where('threadId').equals(f.threadId).toArray()
        : f.includeResolved
          ? await db.tickets.toArray()
          : await db.tickets.where('status').equals('pending').toArray();
  return rows
    .map((row) => parseRow<BackgroundTicket>(BackgroundTicketSchema, 'tickets', keyOf(row, 'ticketId'), row))
    .filter(
      (t) =>
        (f.threadId === undefined || t.threadId === f.threadId) &&
        (f.runId === undefined || t.runId === f.runId) &&
        (f.includeResolved || t.status === 'pending'),
    )
    .sort((a, b) => a.createdAt - b.createdAt);
}

export async function queryThread(db: AfkDexie, threadId: string): Promise<ThreadRecord | undefined> {
  const row: unknown = await db.threads.get(threadId);
  return row === undefined ? undefined : parseRow<ThreadRecord>(ThreadRecordSchema, 'threads', threadId, row);
}

export async function queryEvalReports(db: AfkDexie, limit: number): Promise<EvalReportRecord[]> {
  if (limit <= 0) return [];
  const rows: unknown[] = await db.evalResults.orderBy('startedAt').reverse().limit(limit).toArray();
  return rows.map((row) =>
    parseRow<EvalReportRecord>(
      EvalReportRecordSchema,
      'evalResults',
      keyOf(row, 'suiteId', 'startedAt'),
      row,
    ),
  );
}
