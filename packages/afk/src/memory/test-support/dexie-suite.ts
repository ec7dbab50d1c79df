import { type DBCore, type DBCoreMutateRequest, type DBCoreTable, Dexie } from 'dexie';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AfkError } from '../../errors/index.js';
import type { RunEvent } from '../../events/run-event.js';
import { isAfkTableSet, probeDatabase } from '../dexie-connection.js';
import { liveRunEvents } from '../dexie-live.js';
import { DEXIE_SCHEMA_VERSION, declareSchema, SCHEMA_HISTORY } from '../dexie-schema.js';
import { DexieStore, type DexieStoreOptions } from '../dexie-store.js';
import {
  approval,
  ev,
  evs,
  rejectsWith,
  runRecord,
  snapshot,
  T0,
  thread,
  ticket,
} from '../store-contract.js';
import type { StoreChange } from '../types.js';
import { type IdbDeps, uniqueDbName } from './dexie-harness.js';

export interface DexieSuiteDeps extends IdbDeps {
  IDBDatabase: typeof IDBDatabase;
}

/** Resolves with the first value for which `pick` returns something. */
function first<T, U>(
  subscribe: (cb: (v: T) => void) => () => void,
  pick: (v: T) => U | undefined,
): Promise<U> {
  return new Promise<U>((resolve) => {
    const off = subscribe((v) => {
      const u = pick(v);
      if (u === undefined) return;
      queueMicrotask(() => off());
      resolve(u);
    });
  });
}

function openNative(deps: IdbDeps, name: string, version: number): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = deps.indexedDB.open(name, version);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** DexieStore behaviour beyond the shared contract: schema history, connection events, faults, channel. */
export function describeDexieStoreBehaviour(label: string, deps: DexieSuiteDeps): void {
  describe(`DexieStore behaviour: ${label}`, () => {
    const cleanup: Array<() => unknown> = [];
    const store = (options: Partial<DexieStoreOptions> = {}) => {
      const s = new DexieStore({
        name: uniqueDbName(),
        indexedDB: deps.indexedDB,
        IDBKeyRange: deps.IDBKeyRange,
        ...options,
      });
      cleanup.push(() => s.close());
      return s;
    };
    const rawDexie = (name: string) => {
      const db = new Dexie(name, { indexedDB: deps.indexedDB, IDBKeyRange: deps.IDBKeyRange, addons: [] });
      cleanup.push(() => db.close());
      return db;
    };
    afterEach(async () => {
      vi.restoreAllMocks();
      for (const c of cleanup.splice(0).reverse()) await c();
    });

    describe('schema history', () => {
      for (const step of SCHEMA_HISTORY.slice(0, -1)) {
        it(`migrates a v${step.version} database to v${DEXIE_SCHEMA_VERSION}, keeping every row`, async () => {
          const name = uniqueDbName();
          const old = rawDexie(name);
          declareSchema(old, step.version);
          await old.open();
          const { updatedAt: _, ...legacyRun } = runRecord('old', { startedAt: T0 + 1, lastSeq: 2 });
          await old
            .table('runs')
            .bulkPut([legacyRun, runRecord('new', { startedAt: T0 + 2, updatedAt: T0 + 9 })]);
          await old.table('events').bulkPut(evs('old', 0, 2));
          await old.table('snapshots').put(snapshot('old', 1));
          await old.table('approvals').put(approval('a1', { runId: 'old', rootRunId: 'old' }));
          await old.table('tickets').put(ticket('t1', { runId: 'old' }));
          await old.table('threads').put(thread('th1', ['old', 'new']));
          await old.table('evalResults').put({ suiteId: 's', startedAt: T0, report: { ok: true } });
          old.close();

          const s = store({ name });
          await s.open();
          expect(s.dexie.verno).toBe(DEXIE_SCHEMA_VERSION);
          // The v2 upgrade backfilled updatedAt, so the row validates and is in the new index.
          expect(await s.getRun('old')).toEqual({ ...legacyRun, updatedAt: T0 + 1 });
          expect((await s.listRuns({ threadId: 'th1' })).map((r) => r.runId)).toEqual(['new', 'old']);
          expect(await s.dexie.runs.where('updatedAt').above(0).count()).toBe(2);
          expect(await s.readEvents('old')).toEqual(evs('old', 0, 2));
          expect((await s.getSnapshot('old'))?.seq).toBe(1);
          expect((await s.listApprovals({ rootRunId: 'old' })).map((a) => a.id)).toEqual(['a1']);
          expect((await s.listTickets({ runId: 'old' })).map((t) => t.ticketId)).toEqual(['t1']);
          expect((await s.getThread('th1'))?.runIds).toEqual(['old', 'new']);
          expect(await s.listEvalReports()).toEqual([{ suiteId: 's', startedAt: T0, report: { ok: true } }]);
          await s.write({ events: [ev('old', 3)] }); // the log continues after the upgrade
        });
      }

      it('refuses a database from a newer schema with storage_version and leaves it untouched', async () => {
        const name = uniqueDbName();
        const future = rawDexie(name);
        declareSchema(future);
        // The future schema drops indexes we declare: an unguarded Dexie would "patch" them back.
        future.version(DEXIE_SCHEMA_VERSION + 1).stores({ runs: 'runId, threadId', future: 'id' });
        await future.open();
        await future.table('runs').put(runRecord('x'));
        future.close();

        const s = store({ name });
        await rejectsWith(s.open(), 'storage_version');
        await rejectsWith(s.getRun('x'), 'storage_version');

        const check = rawDexie(name); // no declared schema: opens whatever is there
        await check.open();
        expect(check.verno).toBe(DEXIE_SCHEMA_VERSION + 1);
        expect(check.backendDB().version).toBe((DEXIE_SCHEMA_VERSION + 1) * 10);
        expect(check.table('runs').schema.indexes.map((i) => i.name)).toEqual(['threadId']);
        expect(await check.table('runs').get('x')).toEqual(runRecord('x'));
      });
    });

    describe('foreign databases', () => {
      it('refuses a foreign database of the same name at a lower version with storage_foreign and leaves its data', async () => {
        const name = uniqueDbName();
        const foreign = await new Promise<IDBDatabase>((resolve, reject) => {
          const req = deps.indexedDB.open(name, 3);
          req.onupgradeneeded = () => {
            const notes = req.result.createObjectStore('notes', { keyPath: 'id' });
            notes.put({ id: 'n1', text: 'keep me' });
          };
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        foreign.close();

        const s = store({ name });
        const e = await rejectsWith(s.open(), 'storage_foreign');
        expect(e.message).toContain('notes');
        await rejectsWith(s.write({ events: [ev('r1', 0)] }), 'storage_foreign');

        const after = await openNative(deps, name, 3);
        cleanup.push(() => after.close());
        expect(after.version).toBe(3);
        expect(Array.from(after.objectStoreNames)).toEqual(['notes']);
        const row = await new Promise((resolve, reject) => {
          const req = after.transaction('notes').objectStore('notes').get('n1');
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        expect(row).toEqual({ id: 'n1', text: 'keep me' });
      });

      it('inspecting a name that does not exist creates nothing, and the store then creates its own database', async () => {
        const name = uniqueDbName();
        expect(await probeDatabase(deps.indexedDB, name)).toBeUndefined();
        expect(await probeDatabase(deps.indexedDB, name)).toBeUndefined();
        const s = store({ name });
        await s.write({ events: [ev('r1', 0)] });
        const found = await probeDatabase(deps.indexedDB, name);
        expect(found?.version).toBe(DEXIE_SCHEMA_VERSION * 10);
        expect(isAfkTableSet(found!.stores)).toBe(true);
      });
    });

    describe('connection events', () => {
      it('closes and reports when another connection upgrades the database', async () => {
        const errors: AfkError[] = [];
        const s = store({ onError: (e) => errors.push(e) });
        await s.write({ events: [ev('r1', 0)] });
        const seen: StoreChange[] = [];
        s.watch('all', (c) => seen.push(c));
        const newer = await openNative(deps, s.name, (DEXIE_SCHEMA_VERSION + 1) * 10); // not blocked
        cleanup.push(() => newer.close());
        expect(errors.map((e) => e.code)).toEqual(['storage_closed']);
        expect(errors[0]?.message).toContain('upgrading');
        const e = await rejectsWith(s.readEvents('r1'), 'storage_closed');
        expect(e.message).toContain('upgrading');
        await rejectsWith(s.write({ events: [ev('r1', 1)] }), 'storage_closed');
        expect(seen).toEqual([]);
      });

      it('closes and reports when another connection deletes the database', async () => {
        const errors: AfkError[] = [];
        const s = store({ onError: (e) => errors.push(e) });
        await s.open();
        await new Promise<void>((resolve, reject) => {
          const req = deps.indexedDB.deleteDatabase(s.name);
          req.onsuccess = () => resolve();
          req.onerror = () => reject(req.error);
        });
        expect(errors.map((e) => [e.code, e.message.includes('deleting')])).toEqual([
          ['storage_closed', true],
        ]);
        await rejectsWith(s.getRun('r1'), 'storage_closed');
      });

      it('reports a blocked upgrade, fails waiting callers after blockedTimeoutMs, and recovers', async () => {
        const name = uniqueDbName();
        const v1 = rawDexie(name);
        declareSchema(v1, 1);
        await v1.open();
        v1.close();
        // A v1 connection that ignores versionchange (an old tab that never closes).
        const blocker = await openNative(deps, name, 10);
        const errors: AfkError[] = [];
        const s = store({ name, blockedTimeoutMs: 50, onError: (e) => errors.push(e) });
        await rejectsWith(s.getRun('r1'), 'storage_blocked');
        expect(errors.map((e) => e.code)).toEqual(['storage_blocked']);
        await rejectsWith(s.listRuns(), 'storage_blocked'); // still blocked: fails again, never hangs
        blocker.close();
        await s.open();
        await s.write({ events: [ev('r1', 0)] });
        expect(await s.readEvents('r1')).toEqual([ev('r1', 0)]);
      });
    });

    describe('writes', () => {
      it('surfaces a quota error as storage_quota and leaves no partial batch', async () => {
        const s = store();
        let full = false;
        // Fault injection through Dexie middleware (installed before the database opens).
        s.dexie.use({
          stack: 'dbcore',
          name: 'quota-fault',
          create: (down: DBCore): DBCore => ({
            ...down,
            table: (tableName: string): DBCoreTable => {
              const t = down.table(tableName);
              if (tableName !== 'events') return t;
              return {
                ...t,
                mutate: (req: DBCoreMutateRequest) =>
                  full && req.type === 'add'
                    ? Promise.reject(new DOMException('disk is full', 'QuotaExceededError'))
                    : t.mutate(req),
              };
            },
          }),
        });
        await s.write({ events: [ev('r1', 0)], run: runRecord('r1') });
        full = true;
        const e = await rejectsWith(
          s.write({
            events: evs('r1', 1, 2),
            run: runRecord('r1', { lastSeq: 2, status: 'paused' }),
            snapshot: snapshot('r1', 2),
            approvals: [approval('a1')],
            thread: thread('th1', ['r1']),
          }),
          'storage_quota',
        );
        expect(e.cause).toBeDefined();
        expect(await s.readEvents('r1')).toEqual([ev('r1', 0)]);
        expect(await s.getRun('r1')).toEqual(runRecord('r1'));
        expect(await s.getSnapshot('r1')).toBeUndefined();
        expect(await s.getApproval('a1')).toBeUndefined();
        expect(await s.getThread('th1')).toBeUndefined();
        full = false;
        await s.write({ events: evs('r1', 1, 2) });
        expect((await s.readEvents('r1')).map((x) => x.seq)).toEqual([0, 1, 2]);
      });

      it('rolls back a whole step batch when one of its requests fails (quota on the raw path)', async () => {
        const s = store();
        await s.write({ events: [ev('r1', 0)], run: runRecord('r1') });
        // Step batches bypass Dexie's middleware: inject the fault on IDBObjectStore itself.
        const idb = s.dexie.backendDB();
        const proto = Object.getPrototypeOf(
          idb.transaction('events').objectStore('events'),
        ) as IDBObjectStore;
        const add = proto.add;
        let failAt = 2;
        vi.spyOn(proto, 'add').mockImplementation(function (this: IDBObjectStore, value, key) {
          if (this.name === 'events' && (value as RunEvent).seq === failAt)
            throw new DOMException('disk is full', 'QuotaExceededError');
          return add.call(this, value, key);
        });
        const e = await rejectsWith(
          s.write({
            events: evs('r1', 1, 3),
            run: runRecord('r1', { lastSeq: 3, status: 'paused' }),
            snapshot: snapshot('r1', 3),
            thread: thread('th1', ['r1']),
          }),
          'storage_quota',
        );
        expect(e.cause).toBeDefined();
        expect(await s.readEvents('r1')).toEqual([ev('r1', 0)]);
        expect(await s.getRun('r1')).toEqual(runRecord('r1'));
        expect(await s.getSnapshot('r1')).toBeUndefined();
        expect(await s.getThread('th1')).toBeUndefined();
        failAt = -1;
        await s.write({ events: evs('r1', 1, 2) });
        expect((await s.readEvents('r1')).map((x) => x.seq)).toEqual([0, 1, 2]);
      });

      it('refuses a step batch that does not continue the stored log, writing none of it', async () => {
        const s = store();
        await s.write({ events: evs('r1', 0, 1), run: runRecord('r1', { lastSeq: 1 }) });
        for (const [from, expected] of [
          [3, 2],
          [1, 2],
          [0, 2],
        ] as const) {
          const e = await rejectsWith(
            s.write({ events: evs('r1', from, from + 1), run: runRecord('r1', { lastSeq: from + 1 }) }),
            'storage_error',
          );
          expect(e.message).toContain(`expected ${expected}`);
        }
        expect((await s.readEvents('r1')).map((x) => x.seq)).toEqual([0, 1]);
        expect((await s.getRun('r1'))?.lastSeq).toBe(1);
      });

      it('validates records before anything commits: invalid input is invalid_argument and writes nothing', async () => {
        const s = store();
        const bogus = { ...ev('r1', 0), type: 'bogus' } as unknown as RunEvent;
        const e = await rejectsWith(s.write({ events: [bogus], run: runRecord('r1') }), 'invalid_argument');
        expect(e.message).toContain('events[0]');
        await rejectsWith(
          s.write({ run: { ...runRecord('r1'), status: 'weird' as 'running' } }),
          'invalid_argument',
        );
        expect(await s.getRun('r1')).toBeUndefined();
        expect(await s.readEvents('r1')).toEqual([]);
      });

      it('passes the durability hint: relaxed batches relaxed, others the store default', async () => {
        const hints: string[] = [];
        const orig = deps.IDBDatabase.prototype.transaction;
        vi.spyOn(deps.IDBDatabase.prototype, 'transaction').mockImplementation(function (
          this: IDBDatabase,
          names: string | Iterable<string>,
          mode?: IDBTransactionMode,
          options?: IDBTransactionOptions,
        ) {
          if (mode === 'readwrite' && [...(typeof names === 'string' ? [names] : names)].includes('events')) {
            hints.push(options?.durability ?? 'unset');
          }
          return orig.call(this, names, mode, options);
        });
        const s = store();
        await s.write({ events: [ev('r1', 0)] });
        await s.write({ events: [ev('r1', 1)], durability: 'relaxed' });
        await s.write({ events: [ev('r1', 2)], durability: 'default' });
        const strict = store({ durability: 'strict' });
        await strict.write({ events: [ev('r1', 0)] });
        await strict.write({ events: [ev('r1', 1)], durability: 'relaxed' });
        expect(hints).toEqual(['default', 'relaxed', 'default', 'strict', 'relaxed']);
        expect((await s.readEvents('r1')).map((x) => x.seq)).toEqual([0, 1, 2]);
      });
    });

    describe('watch across instances', () => {
      it('delivers changes written by another instance on the same database (another tab)', async () => {
        const a = store();
        const b = store({ name: a.name });
        const got = first<StoreChange, StoreChange>(
          (cb) => b.watch('r1', cb),
          (c) => (c.kind === 'events' ? c : undefined),
        );
        await a.write({ events: evs('r1', 0, 1) });
        expect(await got).toEqual({ runId: 'r1', lastSeq: 1, kind: 'events' });
        expect((await b.readEvents('r1')).map((e) => e.seq)).toEqual([0, 1]);
      });

      it('delivers an eval report stored by another instance (another tab), readable on arrival', async () => {
        const a = store();
        const b = store({ name: a.name });
        const got = first<StoreChange, Promise<unknown[]>>(
          (cb) => b.watch('all', cb),
          (c) =>
            c.kind === 'eval' ? b.listEvalReports().then((rs) => [c, rs.map((r) => r.report)]) : undefined,
        );
        await a.putEvalReport({ suiteId: 'suite-x', startedAt: T0, report: { n: 1 } });
        expect(await await got).toEqual([{ runId: 'suite-x', lastSeq: -1, kind: 'eval' }, [{ n: 1 }]]);
      });

      it('ignores malformed and hostile channel messages', async () => {
        const s = store();
        const seen: StoreChange[] = [];
        const valid = first<StoreChange, StoreChange>(
          (cb) =>
            s.watch('all', (c) => {
              seen.push(c);
              cb(c);
            }),
          (c) => c,
        );
        const evil = new BroadcastChannel(`afk-store:${s.name}`);
        cleanup.push(() => evil.close());
        const junk: unknown[] = [
          null,
          'events',
          42,
          { v: 2, source: 'x', changes: [] },
          { v: 1, source: 'x', changes: 'all' },
          { v: 1, source: 'x', changes: [{ runId: 7, lastSeq: 1, kind: 'events' }] },
          { v: 1, source: 'x', changes: [{ runId: 'r1', lastSeq: 1, kind: 'drop_tables' }] },
          { v: 1, source: 'x', changes: [{ runId: '', lastSeq: 1, kind: 'events' }] },
          { v: 1, changes: [{ runId: 'r1', lastSeq: 1, kind: 'events' }] },
          { __proto__: { v: 1 }, source: 'x', changes: [] },
        ];
        for (const m of junk) evil.postMessage(m);
        evil.postMessage({ v: 1, source: 'x', changes: [{ runId: 'r9', lastSeq: 4, kind: 'events' }] });
        expect(await valid).toEqual({ runId: 'r9', lastSeq: 4, kind: 'events' });
        expect(seen).toHaveLength(1);
        // Every ignored message is counted by kind (messages arrive in order: all before the valid one).
        const report = s.channelRejections();
        expect(report.total).toBe(junk.length);
        expect(report.byKind).toEqual({
          not_an_object: 3,
          unknown_version: 2,
          invalid: 4,
          unknown_kind: 1,
        });
      });

      it('reports prototype keys and oversized messages, and warns once per kind', async () => {
        const s = store();
        const got: string[] = [];
        cleanup.push(s.onChannelRejection((r) => got.push(r.kind)));
        const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
        cleanup.push(() => warn.mockRestore());
        const valid = first<StoreChange, StoreChange>(
          (cb) => s.watch('all', cb),
          (c) => c,
        );
        const evil = new BroadcastChannel(`afk-store:${s.name}`);
        cleanup.push(() => evil.close());
        const polluted = JSON.parse('{"v":1,"source":"x","changes":[],"__proto__":{"admin":true}}');
        evil.postMessage(polluted);
        evil.postMessage({ v: 1, source: 'x'.repeat(1_000), changes: [] });
        evil.postMessage({
          v: 1,
          source: 'x',
          changes: Array.from({ length: 10_001 }, () => ({ runId: 'r', lastSeq: 1, kind: 'events' })),
        });
        evil.postMessage({
          v: 1,
          source: 'x',
          changes: [{ runId: 'r'.repeat(5_000), lastSeq: 1, kind: 'events' }],
        });
        evil.postMessage(polluted);
        evil.postMessage({ v: 1, source: 'x', changes: [{ runId: 'ok', lastSeq: 0, kind: 'run' }] });
        expect(await valid).toEqual({ runId: 'ok', lastSeq: 0, kind: 'run' });
        expect(got).toEqual(['prototype_key', 'oversized', 'oversized', 'oversized', 'prototype_key']);
        expect(warn).toHaveBeenCalledTimes(2);
        expect(({} as { admin?: boolean }).admin).toBeUndefined();
      });
    });

    it('liveRunEvents re-emits a run’s validated events when they change', async () => {
      const s = store();
      await s.write({ events: [ev('r1', 0)] });
      const emissions: number[][] = [];
      let next: (events: RunEvent[]) => void = () => undefined;
      const sub = liveRunEvents(s, 'r1').subscribe({ next: (events) => next(events) });
      cleanup.push(() => sub.unsubscribe());
      const until = (n: number) =>
        new Promise<void>((resolve) => {
          next = (events) => {
            emissions.push(events.map((e) => e.seq));
            if (events.length === n) resolve();
          };
        });
      await until(1);
      const two = until(3);
      await s.write({ events: evs('r1', 1, 2) });
      await two;
      expect(emissions.at(0)).toEqual([0]);
      expect(emissions.at(-1)).toEqual([0, 1, 2]);
    });

    it('validates its options and reports every issue', () => {
      try {
        new DexieStore({ name: '', blockedTimeoutMs: -1, durability: 'sometimes' as 'strict' });
        expect.unreachable();
      } catch (e) {
        expect((e as AfkError).code).toBe('invalid_config');
        expect((e as AfkError).issues.map((i) => i.path.join('.')).sort()).toEqual([
          'blockedTimeoutMs',
          'durability',
          'name',
        ]);
      }
    });
  });
}
