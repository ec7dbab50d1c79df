import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApprovalRequest, BackgroundTicket } from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import type { MemoryStore, RunRecord, RunSnapshot, StoreChange, ThreadRecord } from './types.js';
import { SNAPSHOT_VERSION } from './types.js';

/**
 * The `MemoryStore` contract as one Vitest suite, run against every implementation
 * (`InMemoryStore`, `DexieStore` over fake-indexeddb and over real IndexedDB in Chromium, and
 * any future store). Test-only: import it from `*.test.ts` files.
 *
 * @example
 * describeStoreContract('InMemoryStore', () => ({ store: new InMemoryStore() }));
 */
export interface StoreHarness {
  store: MemoryStore;
  /** Puts a raw row into a table, bypassing every check (durable stores; enables corrupt-row tests). */
  putRaw?: (table: string, row: unknown) => Promise<void>;
  /** Reads a raw row back, to prove a corrupt row was left untouched. */
  getRaw?: (table: string, key: unknown) => Promise<unknown>;
}

export interface StoreContractOptions {
  /**
   * Whether a live lease expires after `ttlMs` and can be taken over (row leases). Web Locks
   * leases last until release or the holder's context ends. Default true.
   */
  leaseExpiry?: boolean;
}

// ---- fixtures ---------------------------------------------------------------------------------

export const T0 = 1_700_000_000_000;

export function ev(runId: string, seq: number, threadId = 'th1'): RunEvent {
  return {
    runId,
    threadId,
    seq,
    ts: T0 + seq,
    type: 'warning',
    data: { code: 'w', message: `event ${seq}` },
  };
}

export function evs(runId: string, from: number, to: number): RunEvent[] {
  const out: RunEvent[] = [];
  for (let s = from; s <= to; s++) out.push(ev(runId, s));
  return out;
}

export function runRecord(runId: string, over: Partial<RunRecord> = {}): RunRecord {
  return {
    runId,
    threadId: 'th1',
    agentName: 'agent',
    rootRunId: runId,
    status: 'running',
    startedAt: T0,
    updatedAt: T0,
    lastSeq: 0,
    ...over,
  };
}

export function snapshot(runId: string, seq: number): RunSnapshot {
  return {
    runId,
    threadId: 'th1',
    seq,
    version: SNAPSHOT_VERSION,
    createdAt: T0 + seq,
    state: { seq, messages: [] },
  };
}

export function approval(id: string, over: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id,
    runId: 'r1',
    threadId: 'th1',
    rootRunId: 'r1',
    agentPath: 'agent',
    toolCallId: `call-${id}`,
    toolName: 'send_email',
    args: { to: 'a@b.c' },
    argsHash: 'h',
    kind: 'approval',
    allowedDecisions: ['approve', 'reject'],
    status: 'pending',
    createdAt: T0,
    ...over,
  };
}

export function ticket(ticketId: string, over: Partial<BackgroundTicket> = {}): BackgroundTicket {
  return {
    ticketId,
    runId: 'r1',
    threadId: 'th1',
    toolName: 'slow_job',
    toolCallId: `call-${ticketId}`,
    status: 'pending',
    summary: 'working',
    createdAt: T0,
    expiresAt: T0 + 60_000,
    ...over,
  };
}

export function thread(threadId: string, runIds: string[]): ThreadRecord {
  return {
    threadId,
    runIds,
    ...(runIds.length ? { lastRunId: runIds[runIds.length - 1]! } : {}),
    createdAt: T0,
    updatedAt: T0,
  };
}

/** Asserts that `p` rejects with an AFK error of `code` and returns it. */
export async function rejectsWith(p: Promise<unknown>, code: string): Promise<Error & { code: string }> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `expected rejection with ${code}`).toBeInstanceOf(Error);
  expect((e as { code?: unknown }).code).toBe(code);
  return e as Error & { code: string };
}

const seqs = (events: RunEvent[]) => events.map((e) => e.seq);

// ---- the suite --------------------------------------------------------------------------------

export function describeStoreContract(
  name: string,
  makeStore: () => StoreHarness | Promise<StoreHarness>,
  options: StoreContractOptions = {},
): void {
  describe(`MemoryStore contract: ${name}`, () => {
    const open: MemoryStore[] = [];
    const make = async () => {
      const h = await makeStore();
      open.push(h.store);
      return h;
    };
    afterEach(async () => {
      vi.useRealTimers();
      await Promise.all(open.splice(0).map((s) => s.close().catch(() => undefined)));
    });

    it('writes a batch and reads it back', async () => {
      const { store } = await make();
      await store.write({
        events: [...evs('r1', 0, 2), ev('r2', 0)],
        run: runRecord('r1', { lastSeq: 2 }),
        thread: thread('th1', ['r1']),
      });
      expect(await store.readEvents('r1')).toEqual(evs('r1', 0, 2));
      expect(seqs(await store.readEvents('r2'))).toEqual([0]);
      expect(await store.getRun('r1')).toEqual(runRecord('r1', { lastSeq: 2 }));
      expect(await store.getThread('th1')).toEqual(thread('th1', ['r1']));
      expect(await store.readEvents('nope')).toEqual([]);
      expect(await store.getRun('nope')).toBeUndefined();
    });

    it('refuses a batch with a seq gap and writes nothing of it', async () => {
      const { store } = await make();
      await rejectsWith(
        store.write({
          events: [ev('r1', 0), ev('r1', 2)],
          run: runRecord('r1'),
          approvals: [approval('a1')],
        }),
        'storage_error',
      );
      expect(await store.readEvents('r1')).toEqual([]);
      expect(await store.getRun('r1')).toBeUndefined();
      expect(await store.getApproval('a1')).toBeUndefined();
    });

    it('keeps seq gap-free across batches: a second writer is refused atomically', async () => {
      const { store } = await make();
      await store.write({ events: evs('r1', 0, 1), run: runRecord('r1', { lastSeq: 1 }) });
      // Overlap (another writer that also appended seq 1), gap, and a log not starting at 0.
      await rejectsWith(
        store.write({
          events: [ev('r1', 1)],
          run: runRecord('r1', { status: 'failed' }),
          tickets: [ticket('t1')],
        }),
        'storage_error',
      );
      await rejectsWith(store.write({ events: [ev('r1', 3)] }), 'storage_error');
      await rejectsWith(store.write({ events: [ev('r9', 1)] }), 'storage_error');
      // A batch touching two runs is refused as a whole when one of them conflicts.
      await rejectsWith(store.write({ events: [ev('r2', 0), ev('r1', 5)] }), 'storage_error');
      expect(seqs(await store.readEvents('r1'))).toEqual([0, 1]);
      expect(await store.readEvents('r2')).toEqual([]);
      expect((await store.getRun('r1'))?.status).toBe('running');
      expect(await store.getTicket('t1')).toBeUndefined();
      await store.write({ events: evs('r1', 2, 3) });
      expect(seqs(await store.readEvents('r1'))).toEqual([0, 1, 2, 3]);
    });

    it('events written without their run record still move the record lastSeq', async () => {
      const { store } = await make();
      await store.write({ events: evs('r1', 0, 1), run: runRecord('r1', { lastSeq: 1 }) });
      await store.write({ events: evs('r1', 2, 3) });
      const rec = await store.getRun('r1');
      expect(rec?.lastSeq).toBe(3);
      expect(rec?.status).toBe('running');
      // No record yet: none is invented.
      await store.write({ events: evs('r2', 0, 1) });
      expect(await store.getRun('r2')).toBeUndefined();
    });

    it('a decided approval only replaces a pending one: a second decision is approval_stale and nothing of its batch is stored', async () => {
      const { store } = await make();
      await store.write({ events: [ev('r1', 0)], run: runRecord('r1'), approvals: [approval('a1')] });
      const decided = (status: 'approved' | 'rejected', seq: number) => ({
        events: [ev('r1', seq)],
        approvals: [
          approval('a1', {
            status,
            decision: status === 'approved' ? { kind: 'approve' as const } : { kind: 'reject' as const },
            decidedAt: T0 + seq,
          }),
        ],
      });
      await store.write(decided('approved', 1));
      const e = await rejectsWith(store.write(decided('rejected', 2)), 'approval_stale');
      expect(e.message).toContain('a1');
      expect((await store.getApproval('a1'))?.status).toBe('approved');
      expect(seqs(await store.readEvents('r1'))).toEqual([0, 1]);
      // An approval decided in-process is written decided at once: that is fine.
      await store.write({
        approvals: [approval('a2', { status: 'rejected', decision: { kind: 'reject' } })],
      });
      expect((await store.getApproval('a2'))?.status).toBe('rejected');
    });

    it('two concurrent decisions on one approval: exactly one is stored, the loser gets approval_stale', async () => {
      const { store } = await make();
      await store.write({ events: [ev('r1', 0)], run: runRecord('r1'), approvals: [approval('a1')] });
      // Both deciders read the same state, so both append seq 1 with their decision.
      const decide = (status: 'approved' | 'rejected') =>
        store.write({
          events: [ev('r1', 1)],
          approvals: [
            approval('a1', {
              status,
              decision: status === 'approved' ? { kind: 'approve' } : { kind: 'reject' },
              decidedAt: T0 + 1,
            }),
          ],
        });
      const results = await Promise.allSettled([decide('approved'), decide('rejected')]);
      const won = results.findIndex((r) => r.status === 'fulfilled');
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
      expect(won).toBeGreaterThanOrEqual(0);
      expect(lost?.reason).toMatchObject({ code: 'approval_stale' });
      expect((await store.getApproval('a1'))?.status).toBe(won === 0 ? 'approved' : 'rejected');
      expect(seqs(await store.readEvents('r1'))).toEqual([0, 1]);
    });

    it('reads event ranges with fromSeq, toSeq and limit', async () => {
      const { store } = await make();
      await store.write({ events: evs('r1', 0, 9) });
      await store.write({ events: evs('r10', 0, 2) }); // a prefix-sharing run id must not leak in
      expect(seqs(await store.readEvents('r1', { fromSeq: 4 }))).toEqual([4, 5, 6, 7, 8, 9]);
      expect(seqs(await store.readEvents('r1', { toSeq: 2 }))).toEqual([0, 1, 2]);
      expect(seqs(await store.readEvents('r1', { fromSeq: 3, toSeq: 5 }))).toEqual([3, 4, 5]);
      expect(seqs(await store.readEvents('r1', { fromSeq: 2, limit: 3 }))).toEqual([2, 3, 4]);
      expect(await store.readEvents('r1', { limit: 0 })).toEqual([]);
      expect(await store.readEvents('r1', { fromSeq: 20 })).toEqual([]);
    });

    it('returns the newest snapshot at or below maxSeq', async () => {
      const { store } = await make();
      await store.write({ events: evs('r1', 0, 9), snapshot: snapshot('r1', 3) });
      await store.write({ snapshot: snapshot('r1', 7) });
      await store.write({ snapshot: snapshot('r2', 1) });
      expect((await store.getSnapshot('r1'))?.seq).toBe(7);
      expect((await store.getSnapshot('r1', 6))?.seq).toBe(3);
      expect((await store.getSnapshot('r1', 7))?.seq).toBe(7);
      expect(await store.getSnapshot('r1', 2)).toBeUndefined();
      expect(await store.getSnapshot('nope')).toBeUndefined();
      expect(await store.getSnapshot('r1', 3)).toEqual(snapshot('r1', 3));
      // Same seq again replaces.
      await store.write({ snapshot: { ...snapshot('r1', 7), state: { replaced: true } } });
      expect((await store.getSnapshot('r1'))?.state).toEqual({ replaced: true });
    });

    it('refuses to write a snapshot of another version', async () => {
      const { store } = await make();
      await rejectsWith(
        store.write({ snapshot: { ...snapshot('r1', 0), version: SNAPSHOT_VERSION + 1 } }),
        'invalid_argument',
      );
      expect(await store.getSnapshot('r1')).toBeUndefined();
    });

    it('filters and updates approvals', async () => {
      const { store } = await make();
      await store.write({
        approvals: [
          approval('a2', { createdAt: T0 + 2 }),
          approval('a1', { createdAt: T0 + 1 }),
          approval('a3', { runId: 'child', rootRunId: 'r1', threadId: 'th1', createdAt: T0 + 3 }),
          approval('a4', { runId: 'r5', rootRunId: 'r5', threadId: 'th2', createdAt: T0 + 4 }),
        ],
      });
      const ids = (as: ApprovalRequest[]) => as.map((a) => a.id);
      expect(ids(await store.listApprovals())).toEqual(['a1', 'a2', 'a3', 'a4']);
      expect(ids(await store.listApprovals({ runId: 'r1' }))).toEqual(['a1', 'a2']);
      expect(ids(await store.listApprovals({ rootRunId: 'r1' }))).toEqual(['a1', 'a2', 'a3']);
      expect(ids(await store.listApprovals({ threadId: 'th2' }))).toEqual(['a4']);
      await store.write({
        approvals: [
          approval('a2', {
            createdAt: T0 + 2,
            status: 'approved',
            decision: { kind: 'approve' },
            decidedAt: T0 + 9,
          }),
        ],
      });
      expect(ids(await store.listApprovals({ status: 'pending' }))).toEqual(['a1', 'a3', 'a4']);
      expect(ids(await store.listApprovals({ status: 'approved', rootRunId: 'r1' }))).toEqual(['a2']);
      expect((await store.getApproval('a2'))?.decision).toEqual({ kind: 'approve' });
      expect(await store.getApproval('nope')).toBeUndefined();
    });

    it('filters tickets, hiding resolved ones by default', async () => {
      const { store } = await make();
      await store.write({
        tickets: [
          ticket('t1', { createdAt: T0 + 1 }),
          ticket('t2', { createdAt: T0 + 2, status: 'completed', output: { ok: true } }),
          ticket('t3', { createdAt: T0 + 3, runId: 'r2', threadId: 'th2' }),
        ],
      });
      const ids = (ts: BackgroundTicket[]) => ts.map((t) => t.ticketId);
      expect(ids(await store.listTickets())).toEqual(['t1', 't3']);
      expect(ids(await store.listTickets({ includeResolved: true }))).toEqual(['t1', 't2', 't3']);
      expect(ids(await store.listTickets({ runId: 'r1', includeResolved: true }))).toEqual(['t1', 't2']);
      expect(ids(await store.listTickets({ threadId: 'th2' }))).toEqual(['t3']);
      expect((await store.getTicket('t2'))?.output).toEqual({ ok: true });
      expect(await store.getTicket('nope')).toBeUndefined();
    });

    it('lists runs newest first with filters and limit', async () => {
      const { store } = await make();
      await store.write({ run: runRecord('a', { startedAt: T0 + 1 }) });
      await store.write({ run: runRecord('b', { startedAt: T0 + 3, status: 'completed' }) });
      await store.write({ run: runRecord('c', { startedAt: T0 + 2, threadId: 'th2' }) });
      const ids = (rs: RunRecord[]) => rs.map((r) => r.runId);
      expect(ids(await store.listRuns())).toEqual(['b', 'c', 'a']);
      expect(ids(await store.listRuns({ threadId: 'th1' }))).toEqual(['b', 'a']);
      expect(ids(await store.listRuns({ status: 'running' }))).toEqual(['c', 'a']);
      expect(ids(await store.listRuns({ threadId: 'th1', status: 'running' }))).toEqual(['a']);
      expect(ids(await store.listRuns({ limit: 2 }))).toEqual(['b', 'c']);
      await store.write({
        run: runRecord('a', { startedAt: T0 + 1, status: 'completed', updatedAt: T0 + 5 }),
      });
      expect(ids(await store.listRuns({ status: 'completed' }))).toEqual(['b', 'a']);
    });

    it('stores eval reports, newest first', async () => {
      const { store } = await make();
      await store.putEvalReport({ suiteId: 's', startedAt: T0 + 1, report: { n: 1 } });
      await store.putEvalReport({
        suiteId: 's',
        startedAt: T0 + 3,
        report: { n: 3, summary: { passRate: 1 } },
      });
      await store.putEvalReport({ suiteId: 'u', startedAt: T0 + 2, report: { n: 2 } });
      await store.putEvalReport({ suiteId: 's', startedAt: T0 + 1, report: { n: 11 } });
      expect((await store.listEvalReports()).map((r) => r.report)).toEqual([
        { n: 3, summary: { passRate: 1 } },
        { n: 2 },
        { n: 11 },
      ]);
      expect((await store.listEvalReports(1)).map((r) => r.startedAt)).toEqual([T0 + 3]);
    });

    it('notifies watchers of a stored eval report (kind eval, the suite id as runId)', async () => {
      const { store } = await make();
      const suite: StoreChange[] = [];
      const all: StoreChange[] = [];
      store.watch('suite-a', (c) => suite.push(c));
      store.watch('all', (c) => all.push(c));
      await store.putEvalReport({ suiteId: 'suite-a', startedAt: T0, report: { n: 1 } });
      await store.putEvalReport({ suiteId: 'suite-b', startedAt: T0, report: { n: 2 } });
      // Replacing a report (same suite and start) is a change too.
      await store.putEvalReport({ suiteId: 'suite-a', startedAt: T0, report: { n: 3 } });
      const change = (suiteId: string): StoreChange => ({ runId: suiteId, lastSeq: -1, kind: 'eval' });
      expect(suite).toEqual([change('suite-a'), change('suite-a')]);
      expect(all).toEqual([change('suite-a'), change('suite-b'), change('suite-a')]);
      // The listener runs after the report is readable.
      const seen: number[] = [];
      store.watch('suite-c', () => {
        void store.listEvalReports().then((rs) => seen.push(rs.length));
      });
      await store.putEvalReport({ suiteId: 'suite-c', startedAt: T0, report: { n: 4 } });
      await expect.poll(() => seen).toEqual([3]);
    });

    it('compacts a run: old events and snapshots go, the newest event stays, the log continues', async () => {
      const { store } = await make();
      await store.write({ events: evs('r1', 0, 4), snapshot: snapshot('r1', 1) });
      await store.write({ snapshot: snapshot('r1', 3) });
      await store.write({ events: evs('r2', 0, 2) });
      expect(await store.compactRun('r1', { beforeSeq: 3, keepSnapshots: 1 })).toEqual({
        events: 3,
        snapshots: 1,
      });
      expect(seqs(await store.readEvents('r1'))).toEqual([3, 4]);
      expect((await store.getSnapshot('r1'))?.seq).toBe(3);
      expect(await store.getSnapshot('r1', 2)).toBeUndefined();
      expect(seqs(await store.readEvents('r2'))).toEqual([0, 1, 2]);
      expect(await store.compactRun('r1', { beforeSeq: 100 })).toEqual({ events: 1, snapshots: 0 });
      expect(seqs(await store.readEvents('r1'))).toEqual([4]);
      await rejectsWith(store.write({ events: [ev('r1', 0)] }), 'storage_error');
      await store.write({ events: [ev('r1', 5)] });
      expect(seqs(await store.readEvents('r1'))).toEqual([4, 5]);
      expect(await store.compactRun('nope', { beforeSeq: 3, keepSnapshots: 0 })).toEqual({
        events: 0,
        snapshots: 0,
      });
    });

    it('leases a run to one owner at a time; renewal and release', async () => {
      const { store } = await make();
      const a = await store.acquireLease('r1', 'owner-a', 30_000);
      expect(a).toMatchObject({ runId: 'r1', owner: 'owner-a' });
      expect(await store.acquireLease('r1', 'owner-b', 30_000)).toBeUndefined();
      const renewed = await store.acquireLease('r1', 'owner-a', 30_000);
      expect(renewed?.owner).toBe('owner-a');
      expect(await store.acquireLease('r2', 'owner-b', 30_000)).toBeDefined(); // other runs are free
      await renewed!.release();
      await renewed!.release(); // idempotent
      const b = await store.acquireLease('r1', 'owner-b', 30_000);
      expect(b?.owner).toBe('owner-b');
      await a!.release(); // a stale lease object must not free the new owner's lease
      expect(await store.acquireLease('r1', 'owner-c', 30_000)).toBeUndefined();
      await b!.release();
    });

    it.skipIf(options.leaseExpiry === false)('lets another owner take over an expired lease', async () => {
      const { store } = await make();
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(T0);
      const a = await store.acquireLease('r1', 'owner-a', 1_000);
      expect(a?.expiresAt).toBe(T0 + 1_000);
      vi.setSystemTime(T0 + 999);
      expect(await store.acquireLease('r1', 'owner-b', 1_000)).toBeUndefined();
      vi.setSystemTime(T0 + 2_000);
      const b = await store.acquireLease('r1', 'owner-b', 1_000);
      expect(b?.owner).toBe('owner-b');
      await a!.release(); // the dead owner's late release leaves b's lease alone
      expect(await store.acquireLease('r1', 'owner-c', 1_000)).toBeUndefined();
    });

    it('notifies watchers of committed changes', async () => {
      const { store } = await make();
      const r1: StoreChange[] = [];
      const all: StoreChange[] = [];
      const off = store.watch('r1', (c) => r1.push(c));
      store.watch('all', (c) => all.push(c));
      store.watch('r1', () => {
        throw new Error('a broken listener must not break writes');
      });
      await store.write({ events: evs('r1', 0, 2), run: runRecord('r1', { lastSeq: 2 }) });
      expect(r1).toEqual([
        { runId: 'r1', lastSeq: 2, kind: 'events' },
        { runId: 'r1', lastSeq: 2, kind: 'run' },
      ]);
      await store.write({ approvals: [approval('a1')], tickets: [ticket('t1', { runId: 'r2' })] });
      expect(r1.at(-1)).toEqual({ runId: 'r1', lastSeq: -1, kind: 'approval' });
      expect(all.at(-1)).toEqual({ runId: 'r2', lastSeq: -1, kind: 'ticket' });
      await rejectsWith(store.write({ events: [ev('r1', 9)] }), 'storage_error');
      expect(all).toHaveLength(4); // a refused batch notifies nobody
      off();
      await store.write({ events: [ev('r1', 3)] });
      expect(r1).toHaveLength(3);
      expect(all).toHaveLength(5);
    });

    it('hands out copies: mutating a read value does not change the store', async () => {
      const { store } = await make();
      await store.write({
        events: [ev('r1', 0)],
        approvals: [approval('a1')],
        thread: thread('th1', ['r1']),
      });
      const [e] = await store.readEvents('r1');
      (e as { ts: number }).ts = 0;
      const a = await store.getApproval('a1');
      a!.status = 'approved';
      const t = await store.getThread('th1');
      t!.runIds.push('x');
      expect((await store.readEvents('r1'))[0]?.ts).toBe(T0);
      expect((await store.getApproval('a1'))?.status).toBe('pending');
      expect((await store.getThread('th1'))?.runIds).toEqual(['r1']);
    });

    it('rejects every call after close with storage_closed', async () => {
      const { store } = await make();
      await store.write({ events: [ev('r1', 0)] });
      await store.close();
      const calls: Array<() => Promise<unknown>> = [
        () => store.write({ events: [ev('r1', 1)] }),
        () => store.readEvents('r1'),
        () => store.getRun('r1'),
        () => store.listRuns(),
        () => store.getSnapshot('r1'),
        () => store.getApproval('a'),
        () => store.listApprovals(),
        () => store.getTicket('t'),
        () => store.listTickets(),
        () => store.getThread('th1'),
        () => store.putEvalReport({ suiteId: 's', startedAt: 1, report: {} }),
        () => store.listEvalReports(),
        () => store.compactRun('r1', { beforeSeq: 1 }),
        () => store.acquireLease('r1', 'o', 1_000),
      ];
      for (const call of calls) await rejectsWith(call(), 'storage_closed');
      await store.close(); // idempotent
    });

    describe('corrupt rows', () => {
      const raw = async () => {
        const h = await make();
        if (!h.putRaw || !h.getRaw) return undefined;
        return h as Required<StoreHarness>;
      };

      it('refuses a corrupt event row, naming table and key, and leaves it in place', async (ctx) => {
        const h = await raw();
        if (!h) return ctx.skip();
        await h.store.write({ events: [ev('r1', 0)] });
        const bad = { runId: 'r1', seq: 1, threadId: 'th1', ts: 1, type: 'not_an_event', data: {} };
        await h.putRaw('events', bad);
        const e = await rejectsWith(h.store.readEvents('r1'), 'row_corrupt');
        expect(e.message).toContain('events[["r1",1]]');
        expect(await h.getRaw('events', ['r1', 1])).toEqual(bad);
        expect(seqs(await h.store.readEvents('r1', { toSeq: 0 }))).toEqual([0]);
        // The corrupt row still counts for continuity: nothing overwrites it.
        await rejectsWith(h.store.write({ events: [ev('r1', 1)] }), 'storage_error');
      });

      it('refuses foreign runs, approvals, tickets and threads', async (ctx) => {
        const h = await raw();
        if (!h) return ctx.skip();
        await h.putRaw('runs', { runId: 'r1', threadId: 42 });
        await h.putRaw('approvals', { id: 'a1', runId: 'r1', status: 'maybe' });
        await h.putRaw('tickets', { ticketId: 't1', runId: 'r1', status: 'pending' });
        await h.putRaw('threads', { threadId: 'th1', runIds: 'no' });
        expect((await rejectsWith(h.store.getRun('r1'), 'row_corrupt')).message).toContain('runs["r1"]');
        await rejectsWith(h.store.getApproval('a1'), 'row_corrupt');
        await rejectsWith(h.store.listApprovals({ runId: 'r1' }), 'row_corrupt');
        await rejectsWith(h.store.getTicket('t1'), 'row_corrupt');
        await rejectsWith(h.store.listTickets(), 'row_corrupt');
        await rejectsWith(h.store.getThread('th1'), 'row_corrupt');
        expect(await h.getRaw('approvals', 'a1')).toEqual({ id: 'a1', runId: 'r1', status: 'maybe' });
      });

      it('refuses a snapshot of an unknown version or without state with checkpoint_corrupt', async (ctx) => {
        const h = await raw();
        if (!h) return ctx.skip();
        await h.store.write({ events: evs('r1', 0, 5), snapshot: snapshot('r1', 1) });
        await h.putRaw('snapshots', { ...snapshot('r1', 4), version: SNAPSHOT_VERSION + 1 });
        await h.putRaw('snapshots', {
          runId: 'r2',
          threadId: 'th1',
          seq: 0,
          version: SNAPSHOT_VERSION,
          createdAt: 1,
        });
        const e = await rejectsWith(h.store.getSnapshot('r1'), 'checkpoint_corrupt');
        expect(e.message).toContain('snapshots[["r1",4]]');
        expect((await h.store.getSnapshot('r1', 3))?.seq).toBe(1);
        await rejectsWith(h.store.getSnapshot('r2'), 'checkpoint_corrupt');
        expect(await h.getRaw('snapshots', ['r1', 4])).toMatchObject({ version: SNAPSHOT_VERSION + 1 });
      });
    });
  });
}
