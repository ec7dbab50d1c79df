import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/index.js';
import { Runner } from '../core/index.js';
import { isAfkError } from '../errors/index.js';
import { scripted } from '../llms/index.js';
import type { LLMRequest } from '../llms/types.js';
import { InMemoryStore } from '../memory/index.js';
import { tool } from '../tools/index.js';
import { type TaskItem, TaskQueue, TaskWorker } from './index.js';
import { waitFor } from './test-support/wait.js';

const fastRetry = { baseDelayMs: 5, factor: 2, maxDelayMs: 50, jitter: 0 };

function echoAgent(name = 'echo') {
  return new Agent({ name, model: scripted((req) => ({ text: `done: ${lastUser(req)}` })) });
}
function lastUser(req: LLMRequest): string {
  const m = [...req.messages].reverse().find((x) => x.role === 'user');
  return typeof m?.content === 'string' ? m.content : '';
}

/** Resolves when the worker reports `status` for task `id` (through its callbacks). */
function transitions() {
  const seen: Array<{ id: string; status: string; via: string }> = [];
  const waiters: Array<() => void> = [];
  const push = (via: string) => (t: TaskItem) => {
    seen.push({ id: t.id, status: t.status, via });
    for (const w of waiters.splice(0)) w();
  };
  return {
    seen,
    callbacks: {
      onStarted: push('started'),
      onCompleted: push('completed'),
      onRetrying: push('retrying'),
      onFailed: push('failed'),
      onHandedBack: push('handed_back'),
    },
    until: (pred: () => boolean) => waitFor(pred, (wake) => waiters.push(wake)),
  };
}

describe('TaskQueue on memory: enqueue and the status machine', () => {
  it('refuses a bad task with every issue at once', async () => {
    const queue = new TaskQueue({ backend: 'memory' });
    const err = await queue
      .enqueue({ agentName: '', payload: { userMessage: 3 as unknown as string }, maxRetries: -1 })
      .catch((e: unknown) => e);
    expect(isAfkError(err) && err.code).toBe('invalid_argument');
    expect(isAfkError(err) && err.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['agentName', 'payload.userMessage', 'maxRetries']),
    );
    expect(await queue.list()).toEqual([]);
  });

  it('runs an agent task as an AFK run in the worker store: pending → running → completed', async () => {
    const queue = new TaskQueue({ backend: 'memory' });
    const store = new InMemoryStore();
    const t = transitions();
    const task = await queue.enqueue({ agentName: 'echo', payload: { userMessage: 'hello' } });
    expect(task).toMatchObject({ status: 'pending', retryCount: 0, maxRetries: 3, attempts: 0 });
    const worker = new TaskWorker({ queue, agents: { echo: echoAgent() }, store, ...t.callbacks });
    worker.start();
    await t.until(() => t.seen.some((s) => s.status === 'completed'));
    await worker.stop();
    const done = await queue.get(task.id);
    expect(done?.status).toBe('completed');
    expect(done?.completedAt).toBeGreaterThanOrEqual(done?.startedAt ?? Number.POSITIVE_INFINITY);
    expect(t.seen.map((s) => s.status)).toEqual(['running', 'completed']);
    const result = done?.result as { runId: string; finalText: string; state: string };
    expect(result).toMatchObject({ finalText: 'done: hello', state: 'completed' });
    // The run is an ordinary AFK run in the worker's store (what the devtools list).
    const run = await store.getRun(result.runId);
    expect(run).toMatchObject({ agentName: 'echo', status: 'completed' });
    expect(done?.kind === 'agent' && done.runId).toBe(result.runId);
  });

  it('calls a registered handler with its payload; its return value is the result', async () => {
    const queue = new TaskQueue();
    const t = transitions();
    const task = await queue.enqueue({ handler: 'add', payload: { a: 2, b: 3 } });
    const worker = new TaskWorker({
      queue,
      handlers: { add: (p) => (p as { a: number; b: number }).a + (p as { a: number; b: number }).b },
      ...t.callbacks,
    });
    worker.start();
    await t.until(() => t.seen.some((s) => s.status === 'completed'));
    await worker.stop();
    expect(await queue.get(task.id)).toMatchObject({ status: 'completed', result: 5, attempts: 1 });
  });
});

describe('B61: unknown agents, retries with backoff, dead letters, redrive, purge', () => {
  it('a task naming an unknown agent fails at once, without retry, into the dead letters', async () => {
    const queue = new TaskQueue();
    const t = transitions();
    const task = await queue.enqueue({ agentName: 'nobody', payload: { userMessage: 'x' }, maxRetries: 5 });
    const worker = new TaskWorker({ queue, agents: { echo: echoAgent() }, ...t.callbacks });
    worker.start();
    await t.until(() => t.seen.some((s) => s.status === 'failed'));
    await worker.stop();
    const dead = await queue.listDeadLetters();
    expect(dead.map((d) => d.id)).toEqual([task.id]);
    expect(dead[0]).toMatchObject({ status: 'failed', attempts: 1, retryCount: 0 });
    expect(dead[0]?.error?.code).toBe('unknown_agent');
    expect(t.seen.map((s) => s.status)).toEqual(['running', 'failed']);
  });

  it('a failing agent is retried with backoff up to maxRetries, then dead-lettered; redrive runs it again', async () => {
    let failing = true;
    let calls = 0;
    const model = scripted(() => {
      calls++;
      return failing ? { error: { status: 400, message: 'bad request' } } : { text: 'fine now' };
    });
    const agent = new Agent({ name: 'flaky', model });
    const queue = new TaskQueue();
    const t = transitions();
    const task = await queue.enqueue({
      agentName: 'flaky',
      payload: { userMessage: 'go' },
      maxRetries: 2,
      backoff: fastRetry,
    });
    const worker = new TaskWorker({ queue, agents: { flaky: agent }, ...t.callbacks });
    worker.start();
    await t.until(() => t.seen.some((s) => s.status === 'failed'));
    const retries = t.seen.filter((s) => s.status === 'retrying');
    expect(retries).toHaveLength(2);
    const dead = await queue.get(task.id);
    expect(dead).toMatchObject({ status: 'failed', attempts: 3, retryCount: 2 });
    expect(dead?.error?.message).toContain('bad request');
    expect(calls).toBe(3);
    // Each attempt was its own AFK run.
    const runs = await worker.runner.store.listRuns();
    expect(new Set(runs.map((r) => r.runId)).size).toBe(3);

    failing = false;
    const again = await queue.redrive(task.id);
    expect(again).toMatchObject({ status: 'pending', retryCount: 0, redriveCount: 1 });
    expect(again.error).toBeUndefined();
    await t.until(() => t.seen.some((s) => s.status === 'completed'));
    await worker.stop();
    const done = await queue.get(task.id);
    expect(done).toMatchObject({ status: 'completed', attempts: 4 });
    expect(done?.result).toMatchObject({ finalText: 'fine now' });
    expect(await queue.listDeadLetters()).toEqual([]);
  });

  it('redrive refuses a task that is not a dead letter; purge deletes only dead letters', async () => {
    const queue = new TaskQueue();
    const t = transitions();
    const dead1 = await queue.enqueue({ handler: 'missing', payload: 1 });
    const dead2 = await queue.enqueue({ handler: 'missing', payload: 2 });
    const ok = await queue.enqueue({ handler: 'ok', payload: null });
    const worker = new TaskWorker({ queue, handlers: { ok: () => 'ok' }, ...t.callbacks });
    worker.start();
    await t.until(() => t.seen.filter((s) => s.status === 'failed' || s.status === 'completed').length === 3);
    await worker.stop();
    const err = await queue.redrive(ok.id).catch((e: unknown) => e);
    expect(isAfkError(err) && err.code).toBe('invalid_argument');
    expect(await queue.purge([dead1.id, ok.id])).toBe(1);
    expect(await queue.get(dead1.id)).toBeUndefined();
    expect(await queue.purge()).toBe(1);
    expect(await queue.get(dead2.id)).toBeUndefined();
    expect((await queue.get(ok.id))?.status).toBe('completed');
  });

  it('a handler error with retryable: false dead-letters at once', async () => {
    const queue = new TaskQueue();
    const t = transitions();
    const task = await queue.enqueue({ handler: 'strict', payload: null, maxRetries: 4 });
    const worker = new TaskWorker({
      queue,
      handlers: {
        strict: () => {
          throw Object.assign(new Error('malformed input'), { retryable: false });
        },
      },
      ...t.callbacks,
    });
    worker.start();
    await t.until(() => t.seen.some((s) => s.status === 'failed'));
    await worker.stop();
    expect(await queue.get(task.id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: 'handler_error', message: 'malformed input' },
    });
  });
});

describe('TaskWorker: concurrency, cancellation, callbacks, shutdown', () => {
  it('runs at most `concurrency` tasks at once and all of them', async () => {
    const queue = new TaskQueue();
    let inFlight = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    const t = transitions();
    const worker = new TaskWorker({
      queue,
      concurrency: 3,
      handlers: {
        slow: async () => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          await new Promise<void>((r) => gates.push(r));
          inFlight--;
          return 'ok';
        },
      },
      ...t.callbacks,
    });
    for (let i = 0; i < 7; i++) await queue.enqueue({ handler: 'slow', payload: i });
    worker.start();
    for (let done = 0; done < 7; ) {
      await t.until(() => gates.length > 0);
      expect(inFlight).toBeLessThanOrEqual(3);
      const g = gates.shift()!;
      g();
      done++;
      await t.until(() => t.seen.filter((s) => s.status === 'completed').length >= done);
    }
    await worker.stop();
    expect(peak).toBe(3);
    expect((await queue.list({ status: 'completed' })).length).toBe(7);
  });

  it('a cancelled pending task never runs; a running one is aborted and stays cancelled', async () => {
    const queue = new TaskQueue();
    const t = transitions();
    let release: (() => void) | undefined;
    let sawAbort = false;
    const first = await queue.enqueue({ handler: 'block', payload: null });
    const second = await queue.enqueue({ handler: 'block', payload: null });
    expect((await queue.cancel(second.id)).status).toBe('cancelled');
    const worker = new TaskWorker({
      queue,
      handlers: {
        block: (_p, ctx) =>
          new Promise((resolve) => {
            release = () => resolve('finished anyway');
            ctx.signal.addEventListener('abort', () => {
              sawAbort = true;
              resolve('stopped');
            });
          }),
      },
      ...t.callbacks,
    });
    worker.start();
    await t.until(() => release !== undefined);
    expect((await queue.cancel(first.id)).status).toBe('cancelled');
    await worker.stop();
    expect(sawAbort).toBe(true);
    expect(await queue.get(first.id)).toMatchObject({ status: 'cancelled' });
    expect((await queue.get(first.id))?.result).toBeUndefined();
    expect(await queue.get(second.id)).toMatchObject({ status: 'cancelled', attempts: 0 });
    // Terminal states do not move: cancelling again changes nothing.
    expect((await queue.cancel(first.id)).status).toBe('cancelled');
  });

  it('callbacks that throw or reject never change a task state', async () => {
    const queue = new TaskQueue();
    const errors: unknown[] = [];
    const t = transitions();
    const worker = new TaskWorker({
      queue,
      handlers: { ok: () => 'fine' },
      onStarted: () => {
        throw new Error('started boom');
      },
      onCompleted: async (task) => {
        t.callbacks.onCompleted(task);
        throw new Error('completed boom');
      },
      onCallbackError: (e) => errors.push(e),
    });
    const task = await queue.enqueue({ handler: 'ok', payload: null });
    worker.start();
    await t.until(() => t.seen.length === 1);
    await waitFor(
      () => errors.length === 2,
      (wake) => queueMicrotask(wake),
    );
    await worker.stop();
    expect(await queue.get(task.id)).toMatchObject({ status: 'completed', result: 'fine', attempts: 1 });
    expect(errors.map((e) => (e as Error).message).sort()).toEqual(['completed boom', 'started boom']);
  });

  it('stop() lets a running task finish', async () => {
    const queue = new TaskQueue();
    let release: (() => void) | undefined;
    const worker = new TaskWorker({
      queue,
      handlers: { slow: () => new Promise((r) => (release = () => r('finished'))) },
    });
    const task = await queue.enqueue({ handler: 'slow', payload: null });
    const t = transitions();
    worker.start();
    await waitFor(
      () => release !== undefined,
      (wake) => setTimeout(wake, 1),
    );
    const stopped = worker.stop();
    expect(worker.running).toBe(true);
    release?.();
    await stopped;
    expect(worker.running).toBe(false);
    expect(await queue.get(task.id)).toMatchObject({ status: 'completed', result: 'finished' });
    expect(t.seen).toEqual([]);
  });

  it('stop({ handBack }) interrupts a running agent task; another worker resumes the same run, the side effect ran once', async () => {
    const store = new InMemoryStore();
    let charges = 0;
    let release: (() => void) | undefined;
    const charge = tool({
      name: 'charge',
      description: 'charge the card',
      args: z.object({ amount: z.number() }),
      effects: 'side_effect',
      run: async ({ amount }) => {
        charges++;
        await new Promise<void>((r) => (release = r));
        return `charged ${amount}`;
      },
    });
    const model = scripted((req) =>
      req.messages.some((m) => m.role === 'tool')
        ? { text: 'all paid' }
        : { toolCalls: [{ id: 'c1', name: 'charge', args: { amount: 5 } }] },
    );
    const agent = new Agent({ name: 'pay', model, tools: [charge] });
    const queue = new TaskQueue();
    const t = transitions();
    const task = await queue.enqueue({ agentName: 'pay', payload: { userMessage: 'pay 5' } });
    const first = new TaskWorker({ queue, agents: { pay: agent }, store, ...t.callbacks });
    first.start();
    await waitFor(
      () => release !== undefined,
      (wake) => setTimeout(wake, 1),
    );
    const stopping = first.stop({ handBack: true });
    release?.();
    await stopping;
    const back = await queue.get(task.id);
    expect(back).toMatchObject({ status: 'pending', attempts: 1 });
    const runId = back?.kind === 'agent' ? back.runId : undefined;
    expect((await store.getRun(runId!))?.status).toBe('interrupted');
    expect(t.seen.map((s) => s.via)).toEqual(['started', 'handed_back']);

    const second = new TaskWorker({
      queue,
      runner: new Runner({ store }),
      agents: { pay: agent },
      ...t.callbacks,
    });
    second.start();
    await t.until(() => t.seen.some((s) => s.status === 'completed'));
    await second.stop();
    const done = await queue.get(task.id);
    expect(done).toMatchObject({ status: 'completed', attempts: 2 });
    expect(done?.result).toMatchObject({ runId, finalText: 'all paid', state: 'completed' });
    expect(charges).toBe(1);
  });
});
