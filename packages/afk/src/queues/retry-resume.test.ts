import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/index.js';
import { Runner } from '../core/index.js';
import { AfkStorageError } from '../errors/index.js';
import { scripted } from '../llms/index.js';
import { InMemoryStore, type MemoryStore } from '../memory/index.js';
import { tool } from '../tools/index.js';
import { type TaskItem, TaskQueue, TaskWorker } from './index.js';
import { waitFor } from './test-support/wait.js';

const fastRetry = { baseDelayMs: 5, factor: 1, maxDelayMs: 5, jitter: 0 };

/** An in-memory store whose writes fail while `down` (a database that went away). */
function flakyStore() {
  const inner = new InMemoryStore();
  const state = { down: false };
  const store = new Proxy(inner, {
    get(target, key, receiver) {
      if (key === 'write' && state.down)
        return async () => {
          throw new AfkStorageError('storage_error', 'connection refused');
        };
      const v = Reflect.get(target, key, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as MemoryStore;
  return { store, state };
}

function payAgent(
  onCharge: () => void,
  model = scripted((req) =>
    req.messages.some((m) => m.role === 'tool')
      ? { text: 'paid' }
      : { toolCalls: [{ id: 'c1', name: 'charge', args: { amount: 5 } }] },
  ),
) {
  const charge = tool({
    name: 'charge',
    description: 'charge (a side effect)',
    args: z.object({ amount: z.number() }),
    effects: 'side_effect',
    run: ({ amount }) => {
      onCharge();
      return `charged ${amount}`;
    },
  });
  return new Agent({ name: 'pay', model, tools: [charge] });
}

async function drain(queue: TaskQueue, worker: TaskWorker, id: string): Promise<TaskItem> {
  let wake: () => void = () => undefined;
  const done = (t: TaskItem | undefined) => t?.status === 'completed' || t?.status === 'failed';
  let last: TaskItem | undefined;
  const poll = setInterval(() => {
    void queue.get(id).then((t) => {
      last = t;
      wake();
    });
  }, 5);
  try {
    worker.start();
    await waitFor(
      () => done(last),
      (w) => (wake = w),
      10_000,
    );
  } finally {
    clearInterval(poll);
    await worker.stop();
  }
  return last!;
}

describe('a retry after the store failed mid-run', () => {
  it('resumes the run whose end never reached the store: the charge is not repeated', async () => {
    const { store, state } = flakyStore();
    let charges = 0;
    // The store goes away right after the charge, before its result is written; it is back
    // before the retry.
    const agent = payAgent(() => {
      charges++;
      state.down = true;
    });
    const queue = new TaskQueue({ backend: 'memory' });
    const task = await queue.enqueue({
      agentName: 'pay',
      payload: { userMessage: 'pay' },
      backoff: fastRetry,
    });
    const worker = new TaskWorker({
      queue,
      agents: { pay: agent },
      runner: new Runner({ store }),
      onRetrying: () => {
        state.down = false;
      },
    });
    const done = await drain(queue, worker, task.id);
    expect(done.status).toBe('completed');
    expect(done.retryCount).toBe(1);
    expect(charges).toBe(1);
    // The retry ran the first attempt's run, not a run of its own.
    const runId = `taskrun_${task.id}_d0_r0`;
    expect((done.result as { runId: string }).runId).toBe(runId);
    expect(await store.getRun(`taskrun_${task.id}_d0_r1`)).toBeUndefined();
    const answers = (await store.readEvents(runId)).filter((e) => e.type === 'tool_completed');
    expect(answers.map((e) => (e.data as { errorCode?: string }).errorCode)).toEqual(['side_effect_unknown']);
  });

  it('a retry after an earlier attempt whose run completed in the store returns that run: no charge repeated', async () => {
    // The state a PostgreSQL outage can leave: an attempt's run completed in the store, but the
    // task is still being retried (that attempt was reported failed). A new run would charge again.
    const inner = new InMemoryStore();
    let refuse = 1;
    const store = new Proxy(inner, {
      get(target, key, receiver) {
        if (key === 'getRun' && refuse > 0) {
          refuse--;
          return async () => {
            throw new AfkStorageError('storage_error', 'connection refused');
          };
        }
        const v = Reflect.get(target, key, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as MemoryStore;
    let charges = 0;
    const agent = payAgent(() => charges++);
    const queue = new TaskQueue({ backend: 'memory' });
    const task = await queue.enqueue({
      agentName: 'pay',
      payload: { userMessage: 'pay' },
      backoff: fastRetry,
    });
    const first = `taskrun_${task.id}_d0_r0`;
    expect(
      (
        await new Runner({ store: inner }).run(agent, {
          runId: first,
          threadId: `thread_${first}`,
          userMessage: 'pay',
        })
      ).state,
    ).toBe('completed');
    expect(charges).toBe(1);
    const worker = new TaskWorker({ queue, agents: { pay: agent }, runner: new Runner({ store }) });
    const done = await drain(queue, worker, task.id);
    expect(done.status).toBe('completed');
    expect(done.retryCount).toBe(1);
    expect(charges).toBe(1);
    expect((done.result as { runId: string }).runId).toBe(first);
    expect(await inner.getRun(`taskrun_${task.id}_d0_r1`)).toBeUndefined();
  });

  it('a retry after a run that ended failed starts its own run', async () => {
    const store = new InMemoryStore();
    let calls = 0;
    const model = scripted(() => {
      calls++;
      if (calls === 1) throw Object.assign(new Error('model down'), { retryable: false });
      return { text: 'fine' };
    });
    const queue = new TaskQueue({ backend: 'memory' });
    const task = await queue.enqueue({
      agentName: 'pay',
      payload: { userMessage: 'pay' },
      backoff: fastRetry,
    });
    const worker = new TaskWorker({ queue, agents: { pay: payAgent(() => undefined, model) }, store });
    const done = await drain(queue, worker, task.id);
    expect(done.status).toBe('completed');
    expect(done.retryCount).toBe(1);
    expect((await store.getRun(`taskrun_${task.id}_d0_r0`))?.status).toBe('failed');
    expect((done.result as { runId: string }).runId).toBe(`taskrun_${task.id}_d0_r1`);
  });
});
