import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { isAfkError } from '../errors/index.js';
import { dexieQueue } from './dexie-queue.js';
import { type TaskItem, TaskQueue, TaskWorker } from './index.js';
import type { LedgerBackend } from './ledger-backend.js';
import { waitFor } from './test-support/wait.js';

const idb = new IDBFactory();
let n = 0;
const open = (name: string, extra: { leaseTtlMs?: number } = {}) =>
  new TaskQueue({ backend: dexieQueue({ name, indexedDB: idb, IDBKeyRange, pollIntervalMs: 50, ...extra }) });

describe('dexieQueue (fake-indexeddb in Node)', () => {
  it('tasks survive a reload: a new connection finds and runs them', async () => {
    const name = `reload-${++n}`;
    const before = open(name);
    const task = await before.enqueue({ handler: 'h', payload: { x: 1 }, maxRetries: 1 });
    await before.close();
    const after = open(name);
    expect(await after.get(task.id)).toMatchObject({ status: 'pending', payload: { x: 1 }, maxRetries: 1 });
    const done: TaskItem[] = [];
    let wake: () => void = () => undefined;
    const worker = new TaskWorker({
      queue: after,
      handlers: { h: (p) => p },
      onCompleted: (t) => {
        done.push(t);
        wake();
      },
    });
    worker.start();
    await waitFor(
      () => done.length === 1,
      (w) => (wake = w),
    );
    await worker.stop();
    expect(await after.get(task.id)).toMatchObject({ status: 'completed', result: { x: 1 } });
    await after.close();
  });

  it('two connections draining one queue execute each task once', async () => {
    const name = `two-${++n}`;
    const a = open(name);
    const b = open(name);
    const runs = new Map<string, number>();
    let wake: () => void = () => undefined;
    const handlers = {
      h: async (_p: unknown, ctx: { task: TaskItem }) => {
        runs.set(ctx.task.id, (runs.get(ctx.task.id) ?? 0) + 1);
        await Promise.resolve();
        wake();
      },
    };
    for (let i = 0; i < 30; i++) await a.enqueue({ handler: 'h', payload: i });
    const wa = new TaskWorker({ queue: a, handlers, concurrency: 3 });
    const wb = new TaskWorker({ queue: b, handlers, concurrency: 3 });
    wa.start();
    wb.start();
    await waitFor(
      () => runs.size === 30,
      (w) => (wake = w),
    );
    await Promise.all([wa.stop(), wb.stop()]);
    expect([...runs.values()].every((c) => c === 1)).toBe(true);
    expect(await b.list({ status: 'completed' })).toHaveLength(30);
    await Promise.all([a.close(), b.close()]);
  });

  it("a dead connection's task is taken over once its lease expires", async () => {
    const name = `takeover-${++n}`;
    const a = open(name, { leaseTtlMs: 200 });
    const task = await a.enqueue({ handler: 'h', payload: null });
    // A tab claims the task and dies before renewing or settling it.
    const [claim] = await (a.backend as LedgerBackend).ledger.claim('dead-tab', 200, 1);
    expect(claim?.task.id).toBe(task.id);
    await a.close();
    const b = open(name, { leaseTtlMs: 200 });
    const done: TaskItem[] = [];
    let wake: () => void = () => undefined;
    const worker = new TaskWorker({
      queue: b,
      handlers: { h: () => 'taken over' },
      onCompleted: (t) => {
        done.push(t);
        wake();
      },
    });
    worker.start();
    await waitFor(
      () => done.length === 1,
      (w) => (wake = w),
    );
    await worker.stop();
    expect(await b.get(task.id)).toMatchObject({ status: 'completed', result: 'taken over', attempts: 2 });
    await b.close();
  });

  it('refuses bad options with typed errors', () => {
    let err: unknown;
    try {
      dexieQueue({ name: '', leaseTtlMs: -1 });
    } catch (e) {
      err = e;
    }
    expect(isAfkError(err) && err.code).toBe('invalid_config');
    expect(isAfkError(err) && err.issues.map((i) => i.path.join('.')).sort()).toEqual(['leaseTtlMs', 'name']);
  });
});
