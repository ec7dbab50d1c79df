/**
 * Test page (test-pages/seed.html): `window.afkSeed(n, options)` bulk-writes `n` synthetic runs
 * (`seedRuns` from afk/memory) into the devtools' database, `window.afkClear()` empties it. For
 * screenshots, e2e tests and benchmarks of the runs view with many runs.
 */
import { DexieStore, type SeedRunsOptions, seedRuns } from 'afk/memory';
import { DEVTOOLS_DB } from '../runtime';

declare global {
  interface Window {
    afkSeed(n: number, options?: SeedRunsOptions): Promise<number>;
    afkClear(): Promise<void>;
  }
}

const store = new DexieStore({ name: DEVTOOLS_DB });
window.afkSeed = async (n, options) => (await seedRuns(store, n, options)).length;
window.afkClear = async () => {
  const db = store.dexie;
  await db.transaction('rw', db.tables, () => Promise.all(db.tables.map((t) => t.clear())));
};
