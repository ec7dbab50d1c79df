import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../agents/index.js';
import { isAfkError } from '../errors/index.js';
import { scripted } from '../llms/index.js';
import { InMemoryStore } from '../memory/index.js';
import { bullmqQueue } from './bullmq-queue.js';
import { type TaskItem, TaskQueue, TaskWorker } from './index.js';
import { type RedisHandle, startRedis } from './test-support/redis-server.js';
import { waitFor } from './test-support/wait.js';

let redis: RedisHandle;
let n = 0;
const queues: TaskQueue[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(queues.map((q) => q.close()));
  await redis?.stop();
});

function newQueue() {
  const q = new TaskQueue({ backend: bullmqQueue({ connection: redis.connection, name: `t${++n}` }) });
  queues.push(q);
  return q;
}

function recorder() {
  const seen: Array<{ id: string; status: string }> = [];
  const waiters: Array<() => void> = [];
  const push = (t: TaskItem) => {
    seen.push({ id: t.id, status: t.status });
    for (const w of waiters.splice(0)) w();
  };
  return {
    seen,
    callbacks: { onStarted: push, onCompleted: push, onRetrying: push, onFailed: push },
    until: (pred: () => boolean) => waitFor(pred, (wake) => waiters.push(wake)),
  };
}

describe('bullmqQueue: the task state machine on BullMQ and a real redis-server', { timeout: 40_000 }, () => {
  it('runs an agent task as an AFK run: pending → running → completed', async () => {
    const queue = newQueue();
    const store = new InMemoryStore();
    const r = recorder();
    const agent = new Agent({ name: 'echo', model: scripted([{ text: 'hello back' }]) });
    const task = await queue.enqueue({ agentName: 'echo', payload: { userMessage: 'hello' } });
    expect(task).toMatchObject({ status: 'pending', kind: 'agent', maxRetries: 3, retryCount: 0 });
    expect((await queue.get(task.id))?.status).toBe('pending');
    const worker = new TaskWorker({ queue, agents: { echo: agent }, store, ...r.callbacks });
    worker.start();
    await r.until(() => r.seen.some((s) => s.status === 'completed'));
    await worker.stop();
    const done = await queue.get(task.id);
    expect(done).toMatchObject({ status: 'completed', attempts: 1 });
    const result = done?.result as { runId: string; finalText: string };
    expect(result.finalText).toBe('hello back');
    expect(done?.kind === 'agent' && done.runId).toBe(result.runId);
    expect((await store.getRun(result.runId))?.status).toBe('completed');
    expect(r.seen.map((s) => s.status)).toEqual(['running', 'completed']);
  });

  it('B61: an unknown agent fails at once; a failing handler is retried with backoff, dead-lettered, redriven', async () => {
    const queue = newQueue();
    const r = recorder();
    let fail = true;
    const attempts: number[] = [];
    const unknown = await queue.enqueue({ agentName: 'ghost', payload: { userMessage: 'x' }, maxRetries: 5 });
    const flaky = await queue.enqueue({
      handler: 'flaky',
      payload: { n: 1 },
      maxRetries: 2,
      backoff: { baseDelayMs: 40, jitter: 0 },
    });
    const worker = new TaskWorker({
      queue,
      concurrency: 2,
      handlers: {
        flaky: () => {
          attempts.push(Date.now());
          if (fail) throw new Error('flaky failure');
          return { ok: true };
        },
      },
      ...r.callbacks,
    });
    worker.start();
    await r.until(() => r.seen.filter((s) => s.status === 'failed').length === 2);
    const ghost = await queue.get(unknown.id);
    expect(ghost).toMatchObject({
      status: 'failed',
      attempts: 1,
      retryCount: 0,
      error: { code: 'unknown_agent' },
    });
    const dead = await queue.get(flaky.id);
    expect(dead).toMatchObject({ status: 'failed', attempts: 3, retryCount: 2 });
    expect(dead?.error).toEqual({ code: 'handler_error', message: 'flaky failure' });
    expect(r.seen.filter((s) => s.id === flaky.id && s.status === 'retrying')).toHaveLength(2);
    // Exponential backoff: ~40 ms, then ~80 ms (BullMQ's delayed jobs, AFK's policy).
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(35);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(75);
    expect((await queue.listDeadLetters()).map((t) => t.id).sort()).toEqual([unknown.id, flaky.id].sort());

    fail = false;
    const again = await queue.redrive(flaky.id);
    // Out of the dead letters at once (a worker may already have picked it up).
    expect(again.status).not.toBe('failed');
    expect(again).toMatchObject({ retryCount: 0, redriveCount: 1 });
    await r.until(() => r.seen.some((s) => s.id === flaky.id && s.status === 'completed'));
    expect(await queue.get(flaky.id)).toMatchObject({ status: 'completed', result: { ok: true } });
    const err = await queue.redrive(flaky.id).catch((e: unknown) => e);
    expect(isAfkError(err) && err.code).toBe('invalid_argument');
    expect(await queue.purge()).toBe(1);
    expect(await queue.get(unknown.id)).toBeUndefined();
    expect(await queue.listDeadLetters()).toEqual([]);
    await worker.stop();
  });

  it('a cancelled pending task never runs and stays cancelled', async () => {
    const queue = newQueue();
    const r = recorder();
    let ran = 0;
    const task = await queue.enqueue({ handler: 'h', payload: null });
    const other = await queue.enqueue({ handler: 'h', payload: null });
    expect((await queue.cancel(task.id)).status).toBe('cancelled');
    const worker = new TaskWorker({ queue, handlers: { h: () => ran++ }, ...r.callbacks });
    worker.start();
    await r.until(() => r.seen.some((s) => s.id === other.id && s.status === 'completed'));
    // FIFO: the cancelled task was picked (and discarded) before the other one ran.
    await worker.stop();
    expect(ran).toBe(1);
    expect(await queue.get(task.id)).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect((await queue.cancel(task.id)).status).toBe('cancelled');
  });

  it('stop({ handBack }) returns a running task to the queue; another worker completes it', async () => {
    const queue = newQueue();
    const r = recorder();
    let calls = 0;
    let started: (() => void) | undefined;
    const startedP = new Promise<void>((res) => (started = res));
    const task = await queue.enqueue({ handler: 'slow', payload: null });
    const slow = async (_p: unknown, ctx: { signal: AbortSignal }) => {
      calls++;
      if (calls === 1) {
        started?.();
        await new Promise((res) => ctx.signal.addEventListener('abort', res, { once: true }));
        return 'interrupted';
      }
      return 'second worker';
    };
    const first = new TaskWorker({ queue, handlers: { slow }, onHandedBack: r.callbacks.onFailed });
    first.start();
    await startedP;
    await first.stop({ handBack: true });
    expect((await queue.get(task.id))?.status).toBe('pending');
    const second = new TaskWorker({ queue, handlers: { slow }, ...r.callbacks });
    second.start();
    await r.until(() => r.seen.some((s) => s.status === 'completed'));
    await second.stop();
    expect(await queue.get(task.id)).toMatchObject({ status: 'completed', result: 'second worker' });
  });
});
