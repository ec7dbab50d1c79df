import type { Dexie, Table, Transaction } from 'dexie';
import type { ApprovalRequest, BackgroundTicket } from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import type { JSONValue } from '../internal/json.js';
import type { LeaseRow } from './rows.js';
import type { EvalReportRecord, RunRecord, RunSnapshot, ThreadRecord } from './types.js';

/** A small per-suite row for eval listings (the dashboard), next to the full report. */
export interface EvalRunRow {
  suiteId: string;
  startedAt: number;
  summary: JSONValue;
}

/**
 * The typed Dexie database behind `DexieStore`. Row types are what AFK writes; everything read
 * back is still validated, because another tab, an older build or a user may have written it.
 */
export type AfkDexie = Dexie & {
  runs: Table<RunRecord, string>;
  events: Table<RunEvent, [string, number]>;
  snapshots: Table<RunSnapshot, [string, number]>;
  approvals: Table<ApprovalRequest, string>;
  tickets: Table<BackgroundTicket, string>;
  threads: Table<ThreadRecord, string>;
  evalRuns: Table<EvalRunRow, [string, number]>;
  evalResults: Table<EvalReportRecord, [string, number]>;
  leases: Table<LeaseRow, string>;
};

/** One step of the schema history: Dexie store specs (changed tables only) and an optional migration. */
export interface SchemaStep {
  version: number;
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => Promise<void>;
}

/**
 * The schema history, append-only: never edit a shipped step, add a new one. Every step is
 * migration-tested (`dexie-migrations.test.ts` opens a database created by each older step).
 *
 * - v1: the tables of ARCHITECTURE.md. `events` and `snapshots` are keyed `[runId+seq]`, so one
 *   key range reads a run's log in order, finds its last seq (continuity check) or its newest
 *   snapshot `<= seq`; listings use the single-field indexes.
 * - v2: `runs.updatedAt` (recently active runs first) and `runs.[threadId+startedAt]` (a
 *   thread's runs in order without sorting). IndexedDB leaves rows without the key out of an
 *   index, so the upgrade backfills `updatedAt` from `startedAt` where a row lacks it.
 */
export const SCHEMA_HISTORY: readonly SchemaStep[] = [
  {
    version: 1,
    stores: {
      runs: 'runId, threadId, status, startedAt',
      events: '[runId+seq]',
      snapshots: '[runId+seq]',
      approvals: 'id, runId, threadId, rootRunId, status',
      tickets: 'ticketId, runId, threadId, status',
      threads: 'threadId',
      evalRuns: '[suiteId+startedAt], startedAt',
      evalResults: '[suiteId+startedAt], startedAt',
      leases: 'runId',
    },
  },
  {
    version: 2,
    stores: { runs: 'runId, threadId, status, startedAt, updatedAt, [threadId+startedAt]' },
    upgrade: async (tx) => {
      await tx
        .table('runs')
        .toCollection()
        .modify((row: unknown) => {
          if (typeof row !== 'object' || row === null) return;
          const r = row as { startedAt?: unknown; updatedAt?: unknown };
          if (typeof r.updatedAt !== 'number' && typeof r.startedAt === 'number') r.updatedAt = r.startedAt;
        });
    },
  },
];

/** The schema version this build declares (a database at a higher version is refused). */
export const DEXIE_SCHEMA_VERSION: number = SCHEMA_HISTORY[SCHEMA_HISTORY.length - 1]!.version;

/** Declares the schema history up to `upTo` (default: all) on a Dexie instance. */
export function declareSchema(db: Dexie, upTo: number = DEXIE_SCHEMA_VERSION): void {
  for (const step of SCHEMA_HISTORY) {
    if (step.version > upTo) break;
    const v = db.version(step.version).stores(step.stores);
    if (step.upgrade) v.upgrade(step.upgrade);
  }
}
