import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AfkError } from '../../errors/index.js';
import { approval, ev, evs, rejectsWith, runRecord, T0 } from '../store-contract.js';
import type { StoreChange } from '../types.js';
import { PgDriver, type PgPoolLike } from './pg-driver.js';
import { PostgresStore } from './postgres-store.js';
import { uniqueSchema } from './test-support/harness.js';
import { type PgServer, startPostgresServer } from './test-support/pg-server.js';
import { upsertApproval } from './writes.js';

// Behaviour beyond the shared contract that needs two connections to one real server.
let server: PgServer;
const open: PostgresStore[] = [];

beforeAll(async () => {
  server = await startPostgresServer();
}, 60_000);

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await server?.stop();
});

/** Two stores on one schema with separate pools: two processes, as far as the database can tell. */
async function pair(): Promise<[PostgresStore, PostgresStore]> {
  const schema = uniqueSchema('two');
  const a = new PostgresStore({ connectionString: server.connectionString(), schema, max: 4 });
  const b = new PostgresStore({ connectionString: server.connectionString(), schema, max: 4 });
  open.push(a, b);
  // Both migrate the fresh schema at once: the advisory lock makes that one migration.
  await Promise.all([a.open(), b.open()]);
  return [a, b];
}

describe('PostgresStore on a PostgreSQL server', () => {
  it('lets exactly one of several concurrent writers append each seq of a run', async () => {
    const [a, b] = await pair();
    for (let seq = 0; seq < 8; seq++) {
      const writers = [a, b, a, b].map((s) => s.write({ events: [ev('r1', seq)] }));
      const settled = await Promise.allSettled(writers);
      expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of settled) {
        if (r.status === 'rejected') expect((r.reason as { code?: string }).code).toBe('storage_error');
      }
    }
    expect((await b.readEvents('r1')).map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('gives a run lease to exactly one of several racing owners', async () => {
    const [a, b] = await pair();
    const got = await Promise.all([
      a.acquireLease('r1', 'owner-a', 60_000),
      b.acquireLease('r1', 'owner-b', 60_000),
      a.acquireLease('r1', 'owner-a2', 60_000),
      b.acquireLease('r1', 'owner-b2', 60_000),
    ]);
    const winners = got.filter((l) => l !== undefined);
    expect(winners).toHaveLength(1);
    // The loser's owners stay refused while the winner's lease is live.
    expect(await b.acquireLease('r1', 'owner-late', 60_000)).toBeUndefined();
    await winners[0]!.release();
    expect((await b.acquireLease('r1', 'owner-late', 60_000))?.owner).toBe('owner-late');
  });

  it("watch hears another store's commits through LISTEN/NOTIFY, and its own only once", async () => {
    const [a, b] = await pair();
    const seenByB: StoreChange[] = [];
    let wake: (() => void) | undefined;
    b.watch('all', (c) => {
      seenByB.push(c);
      wake?.();
    });
    await b.listening();
    const until = (pred: () => boolean) =>
      new Promise<void>((resolve) => {
        if (pred()) return resolve();
        wake = () => {
          if (pred()) resolve();
        };
      });
    await a.write({ events: evs('r1', 0, 2), run: runRecord('r1', { lastSeq: 2 }) });
    await until(() => seenByB.length >= 2);
    expect(seenByB).toEqual([
      { runId: 'r1', lastSeq: 2, kind: 'events' },
      { runId: 'r1', lastSeq: 2, kind: 'run' },
    ]);
    await b.write({ events: [ev('own', 0)] });
    expect(seenByB.at(-1)).toEqual({ runId: 'own', lastSeq: 0, kind: 'events' });
    // NOTIFYs arrive in commit order: once a's later write is heard, b's own echo would have been.
    await a.write({ events: [ev('r1', 3)] });
    await until(() => seenByB.some((c) => c.runId === 'r1' && c.lastSeq === 3));
    expect(seenByB.filter((c) => c.runId === 'own')).toHaveLength(1);
    // A refused batch notifies nobody.
    const before = seenByB.length;
    await rejectsWith(a.write({ events: [ev('r1', 9)] }), 'storage_error');
    await a.write({ events: [ev('r2', 0)] });
    await until(() => seenByB.some((c) => c.runId === 'r2'));
    expect(seenByB.slice(before)).toEqual([{ runId: 'r2', lastSeq: 0, kind: 'events' }]);
  });

  it("watch hears another store's eval reports (kind eval), readable when heard", async () => {
    const [a, b] = await pair();
    const heard = new Promise<[StoreChange, unknown[]]>((resolve) => {
      b.watch('all', (c) => {
        if (c.kind === 'eval') void b.listEvalReports().then((rs) => resolve([c, rs.map((r) => r.report)]));
      });
    });
    await b.listening();
    await a.putEvalReport({ suiteId: 'suite-x', startedAt: T0, report: { n: 1 } });
    expect(await heard).toEqual([{ runId: 'suite-x', lastSeq: -1, kind: 'eval' }, [{ n: 1 }]]);
  });

  it('listens again after its LISTEN connection is lost, reporting the loss through onError', async () => {
    const schema = uniqueSchema('lost');
    const errors: AfkError[] = [];
    let lost!: () => void;
    const lostP = new Promise<void>((resolve) => {
      lost = resolve;
    });
    const a = new PostgresStore({ connectionString: server.connectionString(), schema });
    const b = new PostgresStore({
      connectionString: server.connectionString(),
      schema,
      onError: (e) => {
        errors.push(e);
        lost();
      },
    });
    open.push(a, b);
    const heard: StoreChange[] = [];
    let wake: (() => void) | undefined;
    b.watch('all', (c) => {
      heard.push(c);
      wake?.();
    });
    await b.listening();
    const admin = new pg.Pool({ connectionString: server.connectionString(), max: 1 });
    try {
      const killed = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1',
        [`LISTEN "afk_changes_${schema}"`],
      );
      expect(killed.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    await lostP;
    expect(errors[0]).toMatchObject({ name: 'AfkStorageError', code: 'storage_error' });
    await b.listening();
    const got = new Promise<void>((resolve) => {
      wake = () => resolve();
    });
    await a.write({ events: [ev('after', 0)] });
    await got;
    expect(heard).toEqual([{ runId: 'after', lastSeq: 0, kind: 'events' }]);
  });

  it('lets only the first of two racing approval decisions land (conditional write on status)', async () => {
    const [a] = await pair();
    await a.write({ approvals: [approval('ap1')] });
    const pool = new pg.Pool({ connectionString: server.connectionString(), max: 4 });
    const driver = new PgDriver(pool as unknown as PgPoolLike, true);
    try {
      const decide = (kind: 'approve' | 'reject') =>
        driver.transaction((tx) =>
          upsertApproval(
            tx,
            `"${a.schema}"`,
            approval('ap1', {
              status: kind === 'approve' ? 'approved' : 'rejected',
              decision: { kind },
              decidedAt: T0 + 1,
            }),
            { onlyIfPending: true },
          ),
        );
      const [approved, rejected] = await Promise.all([decide('approve'), decide('reject')]);
      expect([approved, rejected].filter(Boolean)).toHaveLength(1);
      expect((await a.getApproval('ap1'))?.status).toBe(approved ? 'approved' : 'rejected');
      // Once decided, a later decision is refused too.
      expect(await decide(approved ? 'reject' : 'approve')).toBe(false);
    } finally {
      await driver.close();
    }
  });

  it('leaves a pool it was given open, and ends a pool it created', async () => {
    const pool = new pg.Pool({ connectionString: server.connectionString(), max: 2 });
    try {
      const store = new PostgresStore({ pool, schema: uniqueSchema('pool') });
      await store.write({ events: [ev('r1', 0)], durability: 'relaxed' });
      await store.close();
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('reports an unreachable server as storage_error on use, not at construction', async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    const store = new PostgresStore({ connectionString: 'postgresql://postgres@127.0.0.1:1/postgres' });
    open.push(store);
    const e = await rejectsWith(store.getRun('r1'), 'storage_error');
    expect(e.message).toMatch(/open failed/);
  });
});
