import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { DexieStore } from './dexie-store.js';
import { seedRuns } from './seed-runs.js';

let n = 0;
let store: DexieStore | undefined;
const open = () => {
  store = new DexieStore({ name: `run-scan-${n++}`, indexedDB, IDBKeyRange, broadcast: false });
  return store;
};
afterEach(async () => {
  await store?.close();
});

describe('DexieStore.scanRuns and seedRuns', () => {
  it('lists newest first, filters on raw rows before the limit, and counts', async () => {
    const s = open();
    const ids = await seedRuns(s, 300, { forkEvery: 0 });
    expect(await s.countRuns()).toBe(300);
    const newest = await s.scanRuns({ limit: 5 });
    expect(newest.map((r) => r.runId)).toEqual(ids.slice(-5).reverse());
    const failed = await s.scanRuns({ status: ['failed'], limit: 10 });
    expect(failed).toHaveLength(10);
    for (const r of failed) expect('run' in r && r.run.status).toBe('failed');
    const mailer = await s.scanRuns({ agentName: 'calculator', text: 'LISBON' });
    expect(mailer.length).toBe(0);
    const lisbon = await s.scanRuns({ text: 'lisbon' });
    expect(lisbon.length).toBeGreaterThan(0);
    for (const r of lisbon) expect('run' in r && r.run.summary?.input).toMatch(/Lisbon/);
    const thread = await s.scanRuns({ threadId: 'seed_thread_000001' });
    expect(thread.map((r) => r.runId)).toEqual([ids[5], ids[4], ids[3]]);
  });

  it('a corrupt row is one error row; every other run still lists (listRuns throws)', async () => {
    const s = open();
    await seedRuns(s, 20, { corrupt: 1 });
    const rows = await s.scanRuns();
    expect(rows).toHaveLength(21);
    const bad = rows.filter((r) => 'error' in r);
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ runId: 'seed_corrupt_0', error: { code: 'row_corrupt' } });
    expect('error' in bad[0]! && bad[0].error.message).toMatch(/runs\["seed_corrupt_0"\]/);
    await expect(s.listRuns()).rejects.toMatchObject({ code: 'row_corrupt' });
  });

  it('seeds 10,000 runs in one bulk write', async () => {
    const s = open();
    const t0 = performance.now();
    await seedRuns(s, 10_000);
    const ms = performance.now() - t0;
    expect(await s.countRuns()).toBe(10_000);
    // fake-indexeddb is far slower than a browser; still one transaction, not 10,000.
    expect(ms).toBeLessThan(20_000);
    const page = await s.scanRuns({ topLevel: true, limit: 500 });
    expect(page).toHaveLength(500);
  }, 30_000);
});
