import { rmSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { isAfkError } from '../../errors/index.js';
import { approval, ev, evs, runRecord } from '../store-contract.js';
import type { StoreChange } from '../types.js';
import { PostgresStore } from './postgres-store.js';
import { freshPGliteDir } from './test-support/pglite-dir.js';

// PGlite runs PostgreSQL (WASM) on this thread: a few CPU seconds to open a database, far more
// on a shared, loaded machine. Generous bounds; on an idle machine these tests take seconds.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 90_000 });

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const configError = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return isAfkError(e) ? e.code : `not an AfkError: ${String(e)}`;
  }
  return 'no error';
};

describe('PostgresStore.embedded (PGlite)', () => {
  it('is durable in its data directory: a new store on the same directory reads everything back', async () => {
    const dataDir = await freshPGliteDir();
    dirs.push(dataDir);
    const first = PostgresStore.embedded({ dataDir });
    await first.write({
      events: evs('r1', 0, 2),
      run: runRecord('r1', { lastSeq: 2 }),
      approvals: [approval('a1')],
    });
    await first.close(); // closes the PGlite it opened, so another may open the directory
    const second = PostgresStore.embedded({ dataDir });
    try {
      expect((await second.readEvents('r1')).map((e) => e.seq)).toEqual([0, 1, 2]);
      expect(await second.getRun('r1')).toEqual(runRecord('r1', { lastSeq: 2 }));
      expect((await second.getApproval('a1'))?.status).toBe('pending');
      await second.write({ events: [ev('r1', 3)] });
    } finally {
      await second.close();
    }
  });

  it("tells stores sharing one PGlite about each other's writes through its LISTEN API", async () => {
    const dataDir = await freshPGliteDir();
    dirs.push(dataDir);
    const pglite = await PGlite.create(dataDir);
    const a = PostgresStore.embedded({ pglite, schema: 'shared' });
    const b = PostgresStore.embedded({ pglite, schema: 'shared' });
    try {
      const heard = new Promise<StoreChange>((resolve) =>
        b.watch('r1', (c) => {
          if (c.kind === 'events') resolve(c);
        }),
      );
      await b.listening();
      await a.write({ events: evs('r1', 0, 1) });
      expect(await heard).toEqual({ runId: 'r1', lastSeq: 1, kind: 'events' });
    } finally {
      await a.close();
      await b.close();
    }
    // The stores never close a PGlite they were given.
    expect(pglite.closed).toBe(false);
    expect(
      (await pglite.query<{ n: number }>('SELECT count(*)::int AS n FROM shared.afk_events')).rows,
    ).toEqual([{ n: 2 }]);
    await pglite.close();
  });

  it('refuses bad options with invalid_config, listing the problem', () => {
    expect(configError(() => PostgresStore.embedded({}))).toBe('invalid_config');
    expect(configError(() => PostgresStore.embedded({ dataDir: '' }))).toBe('invalid_config');
    expect(configError(() => PostgresStore.embedded({ dataDir: '/tmp/x', schema: 'Not-Valid' }))).toBe(
      'invalid_config',
    );
    expect(configError(() => PostgresStore.embedded({ dataDir: '/tmp/x', schema: 'pg_mine' }))).toBe(
      'invalid_config',
    );
    expect(configError(() => new PostgresStore({} as never))).toBe('invalid_config');
    expect(
      configError(
        () => new PostgresStore({ connectionString: 'postgresql://x', driver: async () => ({}) as never }),
      ),
    ).toBe('invalid_config');
    // Nothing is opened until first use: constructing a store is free.
    expect(configError(() => PostgresStore.embedded({ dataDir: '/tmp/x' }))).toBe('no error');
  });
});
