import { AfkStorageError } from '../../errors/index.js';
import type { SqlDriver, SqlQueryable } from './driver.js';

/** One migration: SQL statements run in order, inside the migration transaction. */
export interface PostgresMigration {
  version: number;
  name: string;
  /** The statements, given the quoted schema name (e.g. `"public"`). */
  statements: (s: string) => string[];
}

/**
 * The schema history of `PostgresStore`, append-only: never edit a shipped step, add one.
 * Each row keeps the record as JSON in `data` (exactly as written: `json`, not `jsonb`, so key
 * order and every string survive) next to the key and filter columns the queries use.
 *
 * - v1: the tables of the Dexie store (`runs`, `events`, `snapshots`, `approvals`, `tickets`,
 *   `threads`, `eval_runs`, `eval_results`, `leases`), all prefixed `afk_`, plus
 *   `afk_run_heads` (run id → next seq): the continuity anchor that a batch advances with one
 *   conditional UPDATE, so two writers of one run cannot both append. `events` and `snapshots`
 *   are keyed `(run_id, seq)`.
 * - v2: `afk_runs.updated_at` (recently active runs first; backfilled from the record's
 *   `updatedAt`, else `started_at`) and an index on `(thread_id, started_at)` (a thread's runs
 *   in order), as in the Dexie store's v2.
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'tables',
    statements: (s) => [
      `CREATE TABLE ${s}.afk_runs (run_id text PRIMARY KEY, thread_id text, status text, started_at double precision, data json NOT NULL)`,
      `CREATE INDEX afk_runs_thread_id ON ${s}.afk_runs (thread_id)`,
      `CREATE INDEX afk_runs_status ON ${s}.afk_runs (status)`,
      `CREATE INDEX afk_runs_started_at ON ${s}.afk_runs (started_at)`,
      `CREATE TABLE ${s}.afk_run_heads (run_id text PRIMARY KEY, next_seq bigint NOT NULL CHECK (next_seq > 0))`,
      `CREATE TABLE ${s}.afk_events (run_id text NOT NULL, seq bigint NOT NULL, data json NOT NULL, PRIMARY KEY (run_id, seq))`,
      `CREATE TABLE ${s}.afk_snapshots (run_id text NOT NULL, seq bigint NOT NULL, data json NOT NULL, PRIMARY KEY (run_id, seq))`,
      `CREATE TABLE ${s}.afk_approvals (id text PRIMARY KEY, run_id text, thread_id text, root_run_id text, status text, created_at double precision, data json NOT NULL)`,
      `CREATE INDEX afk_approvals_run_id ON ${s}.afk_approvals (run_id)`,
      `CREATE INDEX afk_approvals_thread_id ON ${s}.afk_approvals (thread_id)`,
      `CREATE INDEX afk_approvals_root_run_id ON ${s}.afk_approvals (root_run_id)`,
      `CREATE INDEX afk_approvals_status ON ${s}.afk_approvals (status)`,
      `CREATE TABLE ${s}.afk_tickets (ticket_id text PRIMARY KEY, run_id text, thread_id text, status text, created_at double precision, data json NOT NULL)`,
      `CREATE INDEX afk_tickets_run_id ON ${s}.afk_tickets (run_id)`,
      `CREATE INDEX afk_tickets_thread_id ON ${s}.afk_tickets (thread_id)`,
      `CREATE INDEX afk_tickets_status ON ${s}.afk_tickets (status)`,
      `CREATE TABLE ${s}.afk_threads (thread_id text PRIMARY KEY, data json NOT NULL)`,
      `CREATE TABLE ${s}.afk_eval_runs (suite_id text NOT NULL, started_at double precision NOT NULL, summary json, PRIMARY KEY (suite_id, started_at))`,
      `CREATE INDEX afk_eval_runs_started_at ON ${s}.afk_eval_runs (started_at)`,
      `CREATE TABLE ${s}.afk_eval_results (suite_id text NOT NULL, started_at double precision NOT NULL, data json NOT NULL, PRIMARY KEY (suite_id, started_at))`,
      `CREATE INDEX afk_eval_results_started_at ON ${s}.afk_eval_results (started_at)`,
      `CREATE TABLE ${s}.afk_leases (run_id text PRIMARY KEY, owner text NOT NULL, expires_at double precision NOT NULL)`,
    ],
  },
  {
    version: 2,
    name: 'runs updated_at',
    statements: (s) => [
      `ALTER TABLE ${s}.afk_runs ADD COLUMN updated_at double precision`,
      // A row whose updatedAt is not a number (corrupt, foreign) falls back to started_at.
      `UPDATE ${s}.afk_runs SET updated_at = CASE WHEN json_typeof(data->'updatedAt') = 'number' THEN (data->>'updatedAt')::double precision ELSE started_at END`,
      `CREATE INDEX afk_runs_updated_at ON ${s}.afk_runs (updated_at)`,
      `CREATE INDEX afk_runs_thread_started ON ${s}.afk_runs (thread_id, started_at)`,
    ],
  },
];

/** The schema version this build writes; a database at a higher version is refused. */
export const POSTGRES_SCHEMA_VERSION: number = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1]!.version;

/** Quotes a validated schema name as an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function appliedVersion(tx: SqlQueryable, s: string): Promise<number> {
  const r = await tx.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${s}.afk_schema_migrations`);
  return r.rows[0]?.v ?? 0;
}

/**
 * Brings `schema` up to `upTo` (default: this build's version) in one transaction, under a
 * transaction-scoped advisory lock, so processes starting together migrate once. Creates the
 * schema and `afk_schema_migrations` (version, name, applied_at) when missing; each applied
 * step adds a row. A database already past this build's version is refused with
 * `storage_version` and left untouched. Returns the version the database is at.
 */
export async function migrate(
  driver: SqlDriver,
  schema: string,
  upTo: number = POSTGRES_SCHEMA_VERSION,
): Promise<number> {
  const s = quoteIdent(schema);
  return driver.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`afk_migrate:${schema}`]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${s}.afk_schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at double precision NOT NULL)`,
    );
    const current = await appliedVersion(tx, s);
    if (current > POSTGRES_SCHEMA_VERSION) {
      throw new AfkStorageError(
        'storage_version',
        `PostgresStore schema ${schema} is at version ${current}, newer than this build's ${POSTGRES_SCHEMA_VERSION}; upgrade afk (the database was left untouched)`,
      );
    }
    for (const step of POSTGRES_MIGRATIONS) {
      if (step.version <= current || step.version > upTo) continue;
      for (const sql of step.statements(s)) await tx.query(sql);
      await tx.query(
        `INSERT INTO ${s}.afk_schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
        [step.version, step.name, Date.now()],
      );
    }
    return appliedVersion(tx, s);
  });
}
