/**
 * One worker process of the BullMQ fault test (behaviour 62), bundled by the test and killed with
 * SIGKILL at random points. It drains the queue with a `pay` agent whose side-effecting tool
 * writes evidence files, so the parent can count what happened across crashes:
 * - `effects/<runId>__<callId>`: created with `wx` by the first execution of a charge;
 *   a second execution of the same charge leaves `dup-effects/<runId>__<callId>__<pid>_<time>`.
 * - `done/<taskId>`: created with `wx` by the worker whose completion BullMQ accepted;
 *   a second completion of a task leaves `double-done/<taskId>__<pid>_<time>`.
 *
 * It reports `started` (a task claimed) and `effect` (a charge made) to the parent over IPC.
 *
 * Env: REDIS_PORT, QUEUE_NAME, EVIDENCE_DIR, STORE (`memory` | `postgres`), PG_URL.
 */
import { z } from 'zod';
import { Agent } from '../../agents/index.js';
import { Runner } from '../../core/index.js';
import { scripted } from '../../llms/index.js';
import { InMemoryStore, type MemoryStore } from '../../memory/index.js';
import { PostgresStore } from '../../memory/postgres/index.js';
import { tool } from '../../tools/index.js';
import { TaskWorker } from '../index.js';
import { bullmqTaskQueue, env, evidenceDir, recordOnce, stopOnSigterm, tell } from './worker-process.js';

const dir = evidenceDir();

/** The runs' store: one PostgreSQL database shared by every worker process (or one per process). */
async function makeStore(): Promise<MemoryStore> {
  if (process.env.STORE === 'postgres') return new PostgresStore({ connectionString: env('PG_URL') });
  return new InMemoryStore();
}

const charge = tool({
  name: 'charge',
  description: 'charge the customer (a side effect)',
  args: z.object({ amount: z.number() }),
  effects: 'side_effect',
  run: async ({ amount }, ctx) => {
    const key = `${ctx.runId}__${ctx.toolCallId}`;
    recordOnce(dir, 'effects', 'dup-effects', key);
    tell({ type: 'effect', key });
    // A window after the side effect in which a kill lands before its result is durable.
    await new Promise((r) => setTimeout(r, 15));
    return `charged ${amount}`;
  },
});

const model = scripted(
  (req) =>
    req.messages.some((m) => m.role === 'tool')
      ? { text: 'paid' }
      : { toolCalls: [{ id: 'charge-1', name: 'charge', args: { amount: 5 } }] },
  { delayMs: 40, keepRequests: false },
);
const pay = new Agent({ name: 'pay', model, tools: [charge] });

const store = await makeStore();
const queue = bullmqTaskQueue({ lockDurationMs: 1000, stalledIntervalMs: 300 });
const worker = new TaskWorker({
  queue,
  agents: { pay },
  concurrency: 2,
  runner: new Runner({ store, config: { leaseTtlMs: 1000 } }),
  onStarted: (task) => tell({ type: 'started', key: task.id }),
  onCompleted: (task) => {
    recordOnce(dir, 'done', 'double-done', task.id);
  },
});
worker.start();
stopOnSigterm(worker, queue);
