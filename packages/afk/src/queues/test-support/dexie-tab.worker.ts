/**
 * A "tab" for the dexieQueue browser tests (behaviour 63): a dedicated Web Worker with its own
 * IndexedDB connections that drains the queue. `terminate()` from the page ends it abruptly,
 * like closing a tab: no more lease renewals, nothing settled, its Web Locks freed.
 *
 * Protocol: the page posts `{ name, storeName, leaseTtlMs, hang }`; the worker posts
 * `{ started: taskId }` when it claims a task, `{ executed: taskId }` when a handler body ran to
 * its end, and `{ looked: runId }` when the agent's `lookup` tool ran. With `hang: true` the
 * handler never returns and the agent's second model call never answers.
 */
import { z } from 'zod';
import { Agent } from '../../agents/index.js';
import { scripted } from '../../llms/index.js';
import { DexieStore } from '../../memory/index.js';
import { tool } from '../../tools/index.js';
import { dexieQueue } from '../dexie-queue.js';
import { TaskQueue, TaskWorker } from '../index.js';

const scope = globalThis as unknown as {
  onmessage: ((ev: MessageEvent) => void) | null;
  postMessage(m: unknown): void;
};

type Init = { name: string; storeName: string; leaseTtlMs: number; hang: boolean };

scope.onmessage = (ev: MessageEvent<Init>) => {
  const { name, storeName, leaseTtlMs, hang } = ev.data;
  const lookup = tool({
    name: 'lookup',
    description: 'look the order up',
    args: z.object({ order: z.string() }),
    effects: 'side_effect',
    run: ({ order }, ctx) => {
      scope.postMessage({ looked: ctx.runId });
      return `order ${order} is ready`;
    },
  });
  const model = scripted((req) =>
    req.messages.some((m) => m.role === 'tool')
      ? { text: 'answered in the worker', ...(hang ? { delayMs: 3_600_000 } : {}) }
      : { toolCalls: [{ id: 'l1', name: 'lookup', args: { order: 'A1' } }] },
  );
  const queue = new TaskQueue({ backend: dexieQueue({ name, leaseTtlMs, pollIntervalMs: 200 }) });
  const worker = new TaskWorker({
    queue,
    concurrency: 2,
    store: new DexieStore({ name: storeName }),
    agents: { support: new Agent({ name: 'support', model, tools: [lookup] }) },
    handlers: {
      work: async (_payload, ctx) => {
        if (hang) await new Promise(() => undefined);
        await new Promise((r) => setTimeout(r, 10)); // a little work, so both tabs get some
        scope.postMessage({ executed: ctx.task.id });
        return 'done in a worker';
      },
    },
    onStarted: (t) => scope.postMessage({ started: t.id }),
  });
  worker.start();
};
