import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { describeStoreContract } from '../store-contract.js';
import { PGliteDriver } from './pglite-driver.js';
import { PostgresStore } from './postgres-store.js';
import { postgresHarness, uniqueSchema } from './test-support/harness.js';
import { type PgServer, startPostgresServer } from './test-support/pg-server.js';

// One server and one PGlite for the file; every test gets its own schema (fresh tables).
let server: PgServer;
let pool: pg.Pool;
let pglite: PGlite;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'afk-pglite-'));
  const [s, p] = await Promise.all([startPostgresServer(), PGlite.create(dataDir)]);
  server = s;
  pglite = p;
  pool = new pg.Pool({ connectionString: server.connectionString(), max: 4 });
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await pglite?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describeStoreContract('PostgresStore (pg, PostgreSQL server)', () =>
  postgresHarness(new PostgresStore({ pool, schema: uniqueSchema('srv') }), {
    query: async (sql, params) => {
      const r = await pool.query(sql, params as unknown[]);
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    },
  }),
);

describeStoreContract('PostgresStore.embedded (PGlite)', () =>
  postgresHarness(
    PostgresStore.embedded({ pglite, schema: uniqueSchema('lite') }),
    new PGliteDriver(pglite, false),
  ),
);
