import { rmSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, vi } from 'vitest';
import { describeStoreContract } from '../store-contract.js';
import { PGliteDriver } from './pglite-driver.js';
import { PostgresStore } from './postgres-store.js';
import { migrate } from './schema.js';
import { postgresHarness } from './test-support/harness.js';
import { freshPGliteDir } from './test-support/pglite-dir.js';

// PGlite runs PostgreSQL (WASM) on this thread: a few CPU seconds to open a database, far more
// on a shared, loaded machine. Generous bounds; on an idle machine these tests take seconds.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 90_000 });

// One PGlite in a temp data directory for the file (a copy of a template: see freshPGliteDir);
// each test starts from empty tables in one migrated schema.
let pglite: PGlite;
let driver: PGliteDriver;
let dataDir: string;
const schema = 'contract';

beforeAll(async () => {
  dataDir = await freshPGliteDir();
  pglite = await PGlite.create(dataDir);
  driver = new PGliteDriver(pglite, false);
  await migrate(driver, schema);
}, 60_000);

afterAll(async () => {
  await pglite?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describeStoreContract('PostgresStore.embedded (PGlite)', async () => {
  const tables = await driver.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> 'afk_schema_migrations'`,
    [schema],
  );
  await driver.query(`TRUNCATE ${tables.rows.map((t) => `"${schema}".${t.tablename}`).join(', ')}`);
  return postgresHarness(PostgresStore.embedded({ pglite, schema }), driver);
});
