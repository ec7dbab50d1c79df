/**
 * One worker process of the PostgreSQL-restart fault test (`bullmq-pg-restart.test.ts`), bundled
 * by the test. It drains a BullMQ queue with a `pay` agent whose runs live in one PostgreSQL
 * database shared by all workers; the server is stopped and started again while they work.
 *
 * Side effects are counted outside PostgreSQL (which is down at times), in EVIDENCE_DIR:
 * - `effects/<task>`: created with `wx` by the first charge of task `<task>` (the index in the
 *   task's message, so a charge repeated by a *new* run of the same task is caught too);
 *   a second charge leaves `dup-effects/<task>__<pid>_<time>`.
 *
 * It reports `effect` (a charge made, its result not yet durable) and `retrying` (an attempt
 * failed, to be retried) to the parent over IPC.
 *
 * Env: REDIS_PORT, QUEUE_NAME, EVIDENCE_DIR, PG_URL.
 */
import { z } from 'zod';
import { Agent } from '../../agents/index.js';
import { Runner } from '../../core/index.js';
import { scripted } from '../../llms/index.js';
import { PostgresStore } from '../../memory/postgres/index.js';
import { tool } from '../../tools/index.js';
import { TaskWorker } from '../index.js';
import { bullmqTaskQueue, env, evidenceDir, recordOnce, stopOnSigterm, tell } from './worker-process.js';

const dir = evidenceDir();

const charge = tool({
  name: 'charge',
  description: 'charge the customer for one task (a side effect)',
  args: z.object({ task: z.number().int() }),
  effects: 'side_effect',
  run: async ({ task }) => {
    const key = String(task);
    recordOnce(dir, 'effects', 'dup-effects', key);
    tell({ type: 'effect', key });
    // The window in which the server goes away before the charge's result is durable.
    await new Promise((r) => setTimeout(r, 30));
    return `charged for task ${task}`;
  },
});

const model = scripted(
  (req) => {
    if (req.messages.some((m) => m.role === 'tool')) return { text: 'paid' };
    const text = JSON.stringify(req.messages.find((m) => m.role === 'user')?.content ?? '');
    const task = Number(/pay task (\d+)/.exec(text)?.[1] ?? -1);
    return { toolCalls: [{ id: 'charge-1', name: 'charge', args: { task } }] };
  },
  { delayMs: 20, keepRequests: false },
);
const pay = new Agent({ name: 'pay', model, tools: [charge] });

// A small pool: the outage breaks every pooled connection; pg.Pool drops broken clients and
// opens new ones on the next query once the server is back.
const store = new PostgresStore({ connectionString: env('PG_URL'), max: 4, onError: () => undefined });
const queue = bullmqTaskQueue({ lockDurationMs: 2000, stalledIntervalMs: 500 });
const worker = new TaskWorker({
  queue,
  agents: { pay },
  concurrency: 2,
  // headless (the default): nobody can be asked about a charge whose result was lost, so the
  // resumed run skips it (`side_effect_unknown`) instead of charging again.
  runner: new Runner({ store, config: { leaseTtlMs: 1000 } }),
  // The parent ends an outage once it has failed work in flight.
  onRetrying: (task) => tell({ type: 'retrying', key: task.id }),
});
worker.start();
stopOnSigterm(worker, queue, () => store.close());
