/**
 * A "tab" for the dexieQueue browser test (behaviour 63): a dedicated Web Worker with its own
 * IndexedDB connection that drains the queue. `terminate()` from the page ends it abruptly, like
 * closing a tab: no more lease renewals, nothing settled.
 *
 * Protocol: the page posts `{ name, leaseTtlMs, hang }`; the worker posts `{ started: taskId }`
 * when it claims a task and `{ executed: taskId }` when a handler body ran to its end. With
 * `hang: true` the handler never returns.
 */
import { dexieQueue } from '../dexie-queue.js';
import { TaskQueue, TaskWorker } from '../index.js';

const scope = globalThis as unknown as {
  onmessage: ((ev: MessageEvent) => void) | null;
  postMessage(m: unknown): void;
};

scope.onmessage = (ev: MessageEvent<{ name: string; leaseTtlMs: number; hang: boolean }>) => {
  const { name, leaseTtlMs, hang } = ev.data;
  const queue = new TaskQueue({ backend: dexieQueue({ name, leaseTtlMs, pollIntervalMs: 200 }) });
  const worker = new TaskWorker({
    queue,
    concurrency: 2,
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
  scope.postMessage({ ready: true });
};
