/**
 * Agent-task throughput of 1, 2 and 4 worker processes on one BullMQ queue, their runs in one
 * PostgresStore (see `worker-process.ts` for what each worker times). One configuration =
 * a model latency and a worker count: the workers boot and warm up (untimed), the tasks are
 * enqueued, then all workers are told to `go` at once; throughput is tasks ÷ the time from `go`
 * to the last completion the queue's event stream reports.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bullmqQueue, TaskQueue } from 'afk/queues';
import { QueueEvents } from 'bullmq';
import { type PgServer, type RedisHandle, serverCpuMs } from './servers.js';
import type { WorkerFigures } from './worker-process.js';

const here = dirname(fileURLToPath(import.meta.url));
const benchRoot = join(here, '..', '..');

export interface ThroughputCell {
  modelLatencyMs: number;
  workers: number;
  tasks: number;
  /** One entry per repetition. */
  tasksPerSecond: number[];
  medianTasksPerSecond: number;
  /** CPU of workers + PostgreSQL + Redis over the timed span ÷ its wall time (median rep). */
  coresUsed: number | null;
  tasksPerSecondPerCore: number | null;
  /** Per task, ms (median rep): the worker's whole slot, the store's busy time, the queue's. */
  msPerTask: { slot: number; store: number; queue: number; exec: number };
  storeCallsPerTask: number;
  /** A rep was cut short at `maxRepMs` (a starved machine); the figures cover what completed. */
  partial: boolean;
}

function send(child: ChildProcess, msg: { type: string }): void {
  child.send(msg);
}

function next<T extends { type: string }>(
  child: ChildProcess,
  type: T['type'],
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', on);
      reject(new Error(`worker ${child.pid}: no '${type}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (m: T) => {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off('message', on);
      resolve(m);
    };
    child.on('message', on);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker ${child.pid} exited (${code}) waiting for '${type}'`));
    });
  });
}

function spawnWorker(env: Record<string, string>): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', join(benchRoot, 'register.mjs'), join(here, 'worker-process.ts')],
    {
      cwd: benchRoot,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...env },
    },
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Measures one configuration; the worker processes are stopped before it returns. */
export async function measureThroughput(opts: {
  pg: PgServer;
  redis: RedisHandle;
  modelLatencyMs: number;
  workers: number;
  tasks: number;
  reps: number;
  /** A rep that has not finished by then is cut short (its completions so far count). */
  maxRepMs: number;
  log: (m: string) => void;
}): Promise<ThroughputCell> {
  const name = `bench-l${opts.modelLatencyMs}-w${opts.workers}`;
  const schema = `bench_l${opts.modelLatencyMs}_w${opts.workers}`;
  const children = Array.from({ length: opts.workers }, () =>
    spawnWorker({
      REDIS_PORT: String(opts.redis.port),
      QUEUE_NAME: name,
      PG_URL: opts.pg.connectionString(),
      PG_SCHEMA: schema,
      MODEL_LATENCY_MS: String(opts.modelLatencyMs),
    }),
  );
  const queue = new TaskQueue({ backend: bullmqQueue({ connection: opts.redis.connection, name }) });
  const events = new QueueEvents(name, { connection: opts.redis.connection });
  try {
    await Promise.all([events.waitUntilReady(), ...children.map((c) => next(c, 'ready', 240_000))]);
    const reps: Array<{ tps: number; wallMs: number; cpuMs: number | null; figures: WorkerFigures[] }> = [];
    let partial = false;
    // rep -1 warms up (BullMQ loads and connects at the first start, the JIT): not recorded.
    for (let rep = -1; rep < opts.reps; rep++) {
      const count = rep < 0 ? Math.max(4, 2 * opts.workers) : opts.tasks;
      for (let i = 0; i < count; i++)
        await queue.enqueue({ agentName: 'bench', payload: { userMessage: `task ${rep}/${i}` } });
      let completed = 0;
      let finish: () => void = () => undefined;
      const allDone = new Promise<void>((r) => (finish = r));
      const onCompleted = () => {
        if (++completed === count) finish();
      };
      events.on('completed', onCompleted);
      const cpu0 = [serverCpuMs(opts.pg.port), serverCpuMs(opts.redis.port)];
      const t0 = performance.now();
      for (const c of children) send(c, { type: 'go' });
      let timer: ReturnType<typeof setTimeout> | undefined;
      // Bounded: on a starved machine a rep stops at `maxRepMs` and counts what completed.
      const inTime = await Promise.race([
        allDone.then(() => true),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), opts.maxRepMs);
        }),
      ]).finally(() => clearTimeout(timer));
      const wallMs = performance.now() - t0;
      const done = completed;
      const cpu1 = [serverCpuMs(opts.pg.port), serverCpuMs(opts.redis.port)];
      events.off('completed', onCompleted);
      const figures = await Promise.all(
        children.map((c) => {
          const p = next<WorkerFigures>(c, 'figures', 30_000);
          send(c, { type: 'report' });
          return p;
        }),
      );
      const servers =
        cpu0.every((x) => x !== undefined) && cpu1.every((x) => x !== undefined)
          ? cpu1[0]! - cpu0[0]! + (cpu1[1]! - cpu0[1]!)
          : null;
      const cpuMs = servers === null ? null : servers + figures.reduce((a, f) => a + f.cpuMs, 0);
      const tps = (done * 1000) / wallMs;
      if (rep < 0) {
        if (!inTime) throw new Error(`${name}: the warm-up did not finish in ${opts.maxRepMs} ms`);
        continue;
      }
      reps.push({ tps, wallMs, cpuMs, figures });
      opts.log(
        `    ${name} rep ${rep + 1}: ${tps.toFixed(1)} tasks/s${inTime ? '' : ` (${done}/${count} in ${opts.maxRepMs} ms)`}`,
      );
      if (!inTime) {
        partial = true;
        break; // the unfinished tasks would leak into the next rep
      }
    }
    const tpsList = reps.map((r) => r.tps);
    const mid = [...reps].sort((a, b) => a.tps - b.tps)[reps.length >> 1]!;
    const sum = (k: 'tasks' | 'execMs' | 'storeMs' | 'storeCalls' | 'wallMs') =>
      mid.figures.reduce((a, f) => a + f[k], 0);
    const n = sum('tasks') || 1;
    const coresUsed = mid.cpuMs === null ? null : mid.cpuMs / mid.wallMs;
    return {
      modelLatencyMs: opts.modelLatencyMs,
      workers: opts.workers,
      tasks: opts.tasks,
      tasksPerSecond: tpsList.map((x) => Math.round(x * 100) / 100),
      medianTasksPerSecond: median(tpsList),
      coresUsed,
      tasksPerSecondPerCore: coresUsed ? mid.tps / coresUsed : null,
      msPerTask: {
        slot: sum('wallMs') / n,
        store: sum('storeMs') / n,
        queue: (sum('wallMs') - sum('execMs')) / n,
        exec: sum('execMs') / n,
      },
      storeCallsPerTask: sum('storeCalls') / n,
      partial,
    };
  } finally {
    await events.close().catch(() => undefined);
    await queue.close().catch(() => undefined);
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const kill = setTimeout(() => c.kill('SIGKILL'), 5_000);
            c.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            if (c.connected) send(c, { type: 'exit' });
            else c.kill('SIGTERM');
          }),
      ),
    );
  }
}
