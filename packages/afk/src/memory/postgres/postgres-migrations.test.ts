import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev, rejectsWith, T0 } from '../store-contract.js';
import { PgDriver, type PgPoolLike } from './pg-driver.js';
import { PostgresStore } from './postgres-store.js';
import { migrate, POSTGRES_MIGRATIONS, POSTGRES_SCHEMA_VERSION } from './schema.js';
import { uniqueSchema } from './test-support/harness.js';
import { type PgServer, startPostgresServer } from './test-support/pg-server.js';

let server: PgServer;
let pool: pg.Pool;
let driver: PgDriver;

beforeAll(async () => {
  server = await startPostgresServer();
  pool = new pg.Pool({ connectionString: server.connectionString(), max: 4 });
  driver = new PgDriver(pool as unknown as PgPoolLike, false);
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

const versions = async (schema: string) =>
  (await pool.query(`SELECT version, name FROM "${schema}".afk_schema_migrations ORDER BY version`)).rows;

describe('PostgresStore schema migrations', () => {
  it('is append-only with consecutive versions', () => {
    expect(POSTGRES_MIGRATIONS.map((m) => m.version)).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1));
    expect(POSTGRES_SCHEMA_VERSION).toBe(2);
  });

  it('upgrades a v1 database to the current version, keeping its rows and its seq continuity', async () => {
    const schema = uniqueSchema('mig');
    expect(await migrate(driver, schema, 1)).toBe(1);
    // What a v1 build wrote: runs without updated_at, a run's log and its head.
    const run = {
      runId: 'r1',
      threadId: 'th1',
      agentName: 'agent',
      rootRunId: 'r1',
      status: 'running',
      startedAt: T0,
      updatedAt: T0 + 50,
      lastSeq: 1,
    };
    await pool.query(
      `INSERT INTO "${schema}".afk_runs (run_id, thread_id, status, started_at, data) VALUES ('r1', 'th1', 'running', $1, $2::json),
         ('bad', 'th1', 'running', $1, '{"runId":"bad"}')`,
      [T0, JSON.stringify(run)],
    );
    for (const e of [ev('r1', 0), ev('r1', 1)]) {
      await pool.query(`INSERT INTO "${schema}".afk_events (run_id, seq, data) VALUES ($1, $2, $3::json)`, [
        e.runId,
        e.seq,
        JSON.stringify(e),
      ]);
    }
    await pool.query(`INSERT INTO "${schema}".afk_run_heads (run_id, next_seq) VALUES ('r1', 2)`);
    expect(await versions(schema)).toEqual([{ version: 1, name: 'tables' }]);

    const store = new PostgresStore({ pool, schema });
    try {
      await store.open();
      expect((await versions(schema)).map((r) => r.version)).toEqual([1, 2]);
      // v2 backfilled updated_at from the record, or from started_at for a row without one.
      const cols = await pool.query(`SELECT run_id, updated_at FROM "${schema}".afk_runs ORDER BY run_id`);
      expect(cols.rows).toEqual([
        { run_id: 'bad', updated_at: T0 },
        { run_id: 'r1', updated_at: T0 + 50 },
      ]);
      expect(await store.getRun('r1')).toEqual(run);
      await rejectsWith(store.getRun('bad'), 'row_corrupt');
      expect((await store.readEvents('r1')).map((e) => e.seq)).toEqual([0, 1]);
      await rejectsWith(store.write({ events: [ev('r1', 0)] }), 'storage_error');
      await store.write({ events: [ev('r1', 2)] });
      expect((await store.readEvents('r1')).map((e) => e.seq)).toEqual([0, 1, 2]);
    } finally {
      await store.close();
    }
    // Migrating again is a no-op.
    expect(await migrate(driver, schema)).toBe(POSTGRES_SCHEMA_VERSION);
    expect((await versions(schema)).map((r) => r.version)).toEqual([1, 2]);
  });

  it('refuses a database migrated by a newer build with storage_version, leaving it untouched', async () => {
    const schema = uniqueSchema('newer');
    await migrate(driver, schema);
    await pool.query(
      `INSERT INTO "${schema}".afk_schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)`,
    );
    const store = new PostgresStore({ pool, schema });
    try {
      const e = await rejectsWith(store.open(), 'storage_version');
      expect(e.message).toMatch(/version 99/);
      await rejectsWith(store.write({ events: [ev('r1', 0)] }), 'storage_version');
    } finally {
      await store.close();
    }
    expect((await versions(schema)).map((r) => r.version)).toEqual([1, 2, 99]);
    expect((await pool.query(`SELECT count(*)::int AS n FROM "${schema}".afk_events`)).rows).toEqual([
      { n: 0 },
    ]);
  });
});
