import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { describeStoreContract } from '../store-contract.js';
import { PostgresStore } from './postgres-store.js';
import { postgresHarness, uniqueSchema } from './test-support/harness.js';
import { type PgServer, startPostgresServer } from './test-support/pg-server.js';

// One server for the file (started by this test, loopback, free port); every test gets its own
// schema, so each store runs the migrations on an empty schema.
let server: PgServer;
let pool: pg.Pool;

beforeAll(async () => {
  server = await startPostgresServer();
  pool = new pg.Pool({ connectionString: server.connectionString(), max: 4 });
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

describeStoreContract('PostgresStore (pg, PostgreSQL server)', () =>
  postgresHarness(new PostgresStore({ pool, schema: uniqueSchema('srv') }), {
    query: async (sql, params) => {
      const r = await pool.query(sql, params as unknown[]);
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    },
  }),
);
