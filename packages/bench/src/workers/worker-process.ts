/**
 * One worker process of the throughput benchmark (`throughput.ts` spawns 1, 2 or 4): a
 * `TaskWorker` (concurrency 1) on a BullMQ queue, running a one-tool agent whose runs live in a
 * `PostgresStore` on the bench's PostgreSQL server. It times its own work for the parent:
 * - `execMs`: each task from `onStarted` (claimed) to its run's result (the run, store included);
 * - `storeMs`: wall time with at least one store call in flight (a timing wrapper on the store);
 * - `wallMs`: from `go` to its last completion; `wallMs − execMs` is the queue's share (BullMQ
 *   moving the finished job to completed and handing out the next one);
 * - `cpuMs`: this process's CPU time over the same span.
 *
 * IPC: parent → `{ type: 'go' }` (start draining), `{ type: 'report' }` (stop, send figures,
 * reset); child → `{ type: 'ready' }` after a warm-up run, `{ type: 'figures', ... }`.
 *
 * Env: REDIS_PORT, QUEUE_NAME, PG_URL, PG_SCHEMA, MODEL_LATENCY_MS.
 */
import { Agent } from 'afk/agents';
import { Runner } from 'afk/core';
import { scripted } from 'afk/llms';
import type { MemoryStore } from 'afk/memory';
import { PostgresStore } from 'afk/memory/postgres';
import { bullmqQueue, TaskQueue, TaskWorker } from 'afk/queues';
import { tool } from 'afk/tools';
import { z } from 'zod';

export interface WorkerFigures {
  type: 'figures';
  tasks: number;
  execMs: number;
  storeMs: number;
  storeCalls: number;
  wallMs: number;
  cpuMs: number;
}

const env = (k: string) => {
  const v = process.env[k];
  if (v === undefined) throw new Error(`missing env ${k}`);
  return v;
};

let storeMs = 0;
let storeCalls = 0;
let inFlight = 0;
let busySince = 0;

/** Times every promise-returning store method; overlapping calls count once (busy time). */
function timed(store: MemoryStore): MemoryStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        const start = performance.now();
        const out = (v as (...a: unknown[]) => unknown).apply(target, args);
        if (!out || typeof (out as Promise<unknown>).then !== 'function') return out;
        storeCalls++;
        if (inFlight++ === 0) busySince = start;
        const done = () => {
          if (--inFlight === 0) storeMs += performance.now() - busySince;
        };
        (out as Promise<unknown>).then(done, done);
        return out;
      };
    },
  });
}

const noop = tool({
  name: 'lookup',
  description: 'look something up',
  args: z.object({ q: z.string() }),
  effects: 'pure',
  run: async ({ q }) => `found ${q}`,
});
const model = scripted(
  (req) =>
    req.messages.some((m) => m.role === 'tool')
      ? { text: 'done' }
      : { toolCalls: [{ name: 'lookup', args: { q: 'x' } }] },
  { delayMs: Number(env('MODEL_LATENCY_MS')), keepRequests: false },
);
const agent = new Agent({ name: 'bench', model, tools: [noop] });

const pg = new PostgresStore({ connectionString: env('PG_URL'), schema: env('PG_SCHEMA'), max: 4 });
const store = timed(pg);
const runner = new Runner({ store });
// Warm-up outside the queue: connects, migrates, JIT-compiles the run loop.
for (let i = 0; i < 3; i++) await runner.run(agent, { userMessage: 'warm up' });

const baseRunner = runner;
const started = new Map<string, number>();
let execMs = 0;
let tasks = 0;
let goAt = 0;
let lastDoneAt = 0;
let cpuAtGo = process.cpuUsage();

/** The worker's runner, timing each run's end (the result) against the task's claim. */
const timingRunner = new Proxy(baseRunner, {
  get(target, key, receiver) {
    const v = Reflect.get(target, key, receiver) as unknown;
    if (key !== 'runStream' && key !== 'resumeStream') return v;
    return (a: Agent, input: { runId?: string }) => {
      const handle = (v as (a: Agent, i: unknown) => { result: Promise<unknown> }).call(target, a, input);
      const taskId = /^taskrun_(.+)_d\d+_r\d+$/.exec(input.runId ?? '')?.[1];
      void handle.result.then(
        () => {
          const t0 = taskId ? started.get(taskId) : undefined;
          if (t0 !== undefined) execMs += performance.now() - t0;
        },
        () => undefined,
      );
      return handle;
    };
  },
});

const queue = new TaskQueue({
  backend: bullmqQueue({
    connection: { host: '127.0.0.1', port: Number(env('REDIS_PORT')) },
    name: env('QUEUE_NAME'),
  }),
});
let worker: TaskWorker | undefined;

function newWorker(): TaskWorker {
  return new TaskWorker({
    queue,
    agents: { bench: agent },
    concurrency: 1,
    runner: timingRunner,
    onStarted: (t) => {
      started.set(t.id, performance.now());
    },
    onCompleted: (t) => {
      started.delete(t.id);
      tasks++;
      lastDoneAt = performance.now();
    },
  });
}

process.on('message', (m: { type: string }) => {
  if (m.type === 'go') {
    storeMs = 0;
    storeCalls = 0;
    execMs = 0;
    tasks = 0;
    goAt = performance.now();
    lastDoneAt = goAt;
    cpuAtGo = process.cpuUsage();
    worker = newWorker();
    worker.start();
  } else if (m.type === 'report') {
    const cpu = process.cpuUsage(cpuAtGo);
    const figures: WorkerFigures = {
      type: 'figures',
      tasks,
      execMs,
      storeMs,
      storeCalls,
      wallMs: lastDoneAt - goAt,
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
    void (worker?.stop() ?? Promise.resolve()).then(() => process.send?.(figures));
  } else if (m.type === 'exit') {
    void queue
      .close()
      .then(() => pg.close())
      .finally(() => process.exit(0));
  }
});
process.send?.({ type: 'ready' });
