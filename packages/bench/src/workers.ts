/**
 * Durable Node runs and many workers: agent-task throughput of 1, 2 and 4 worker processes on one
 * BullMQ queue with their runs in one PostgresStore (a 50 ms model, and a zero-latency one with
 * the store's and the queue's share of each task), and the per-step overhead of the durable
 * stores side by side. The suite starts its own PostgreSQL server and redis-server on loopback
 * and stops them; without the binaries it reports "skipped (why)" and measures what it can.
 *
 * Registered in `index.ts` as the optional suite `workers` (`runWorkersBench()`).
 */
import { cpus, loadavg } from 'node:os';
import { fmt } from './stats.js';
import { type SuiteContext, type SuiteResult, type Table, target } from './suite.js';
import { type PgServer, type RedisHandle, startPg, startRedisServer } from './workers/servers.js';
import { measureStepOverhead, type StepCell, type StepPlan } from './workers/step-overhead.js';
import { measureThroughput, type ThroughputCell } from './workers/throughput.js';

const ID = 'workers';
const TITLE = 'Workers and durable stores';
/** From the issue: ≥ 3.5× the throughput from 1 to 4 workers with a 50 ms model. */
const SCALING_LIMIT = 3.5;
const LATENCY_MS = 50;
const WORKERS = [1, 2, 4];

interface Plan {
  latencyTasks: number;
  zeroTasks: number;
  reps: number;
  maxRepMs: number;
  steps: StepPlan;
}
const FULL: Plan = {
  latencyTasks: 48,
  zeroTasks: 160,
  reps: 3,
  maxRepMs: 60_000,
  steps: { steps: 50, warmups: 2, reps: 7 },
};
const QUICK: Plan = {
  latencyTasks: 24,
  zeroTasks: 60,
  reps: 1,
  maxRepMs: 30_000,
  steps: { steps: 25, warmups: 1, reps: 2 },
};

const pct = (part: number, whole: number) => (whole > 0 ? `${fmt((100 * part) / whole, 0)} %` : '—');

function throughputTable(cells: ThroughputCell[], latency: number): Table {
  const base = cells.find((c) => c.workers === 1)?.medianTasksPerSecond;
  return {
    title:
      `Agent tasks (one tool, two model calls), ${latency} ms model, BullMQ + PostgresStore, ` +
      `concurrency 1 per worker process (median of reps)`,
    columns: [
      'workers',
      'tasks/s',
      'vs 1 worker',
      'cores used',
      'tasks/s per core',
      'ms per task',
      'store',
      'queue',
      'store calls/task',
    ],
    rows: cells.map((c) => [
      `${c.workers}${c.partial ? ' (cut short)' : ''}`,
      fmt(c.medianTasksPerSecond, 1),
      base ? `${fmt(c.medianTasksPerSecond / base, 2)}×` : '—',
      fmt(c.coresUsed, 2),
      fmt(c.tasksPerSecondPerCore, 1),
      fmt(c.msPerTask.slot, 1),
      `${fmt(c.msPerTask.store, 1)} (${pct(c.msPerTask.store, c.msPerTask.slot)})`,
      `${fmt(c.msPerTask.queue, 1)} (${pct(c.msPerTask.queue, c.msPerTask.slot)})`,
      fmt(c.storeCallsPerTask, 1),
    ]),
  };
}

const STORE_LABEL: Record<StepCell['store'], string> = {
  memory: 'InMemoryStore',
  'dexie-fake-indexeddb': 'DexieStore (fake-indexeddb, Node)',
  'postgres-server': 'PostgresStore (PostgreSQL 15 server, loopback)',
  pglite: 'PostgresStore.embedded (PGlite)',
};

function stepTable(cells: StepCell[], plan: StepPlan): Table {
  const floor = cells.find((c) => c.store === 'memory')?.medianUsPerStep;
  return {
    title: `Per-step overhead by store, µs per step (N=${plan.steps} tool round trips, zero-latency model, median of ${plan.reps})`,
    columns: ['store', 'µs/step', 'store busy µs/step', 'over InMemoryStore'],
    rows: cells.map((c) => [
      STORE_LABEL[c.store],
      fmt(c.medianUsPerStep, 0),
      fmt(c.medianStoreUsPerStep, 0),
      floor !== undefined && c.store !== 'memory' ? `+${fmt(c.medianUsPerStep - floor, 0)}` : '—',
    ]),
  };
}

async function orSkip<T>(p: Promise<T | { skipped: string }>): Promise<T | string> {
  const v = await p;
  return typeof v === 'object' && v !== null && 'skipped' in v ? (v as { skipped: string }).skipped : v;
}

export async function runWorkersBench(ctx: SuiteContext): Promise<SuiteResult> {
  const plan = ctx.quick ? QUICK : FULL;
  const notes: string[] = [];
  const loadBefore = loadavg()[0]!;
  const tables: Table[] = [];
  const pg = await orSkip<PgServer>(startPg());
  const redis = await orSkip<RedisHandle>(startRedisServer());
  const latencyCells: Array<ThroughputCell | undefined> = [];
  const zeroCells: Array<ThroughputCell | undefined> = [];
  const measured = (cells: Array<ThroughputCell | undefined>) =>
    cells.filter((c): c is ThroughputCell => c !== undefined);
  let steps: Awaited<ReturnType<typeof measureStepOverhead>> | undefined;
  try {
    if (typeof pg === 'string' || typeof redis === 'string') {
      const why = [pg, redis].filter((x): x is string => typeof x === 'string').join('; ');
      notes.push(`Worker throughput skipped (${why})`);
      ctx.log(`  worker throughput skipped (${why})`);
    } else {
      for (const [ms, tasks, into] of [
        [LATENCY_MS, plan.latencyTasks, latencyCells],
        [0, plan.zeroTasks, zeroCells],
      ] as const) {
        for (const workers of WORKERS) {
          ctx.log(`  ${ms} ms model, ${workers} worker process(es), ${tasks} tasks × ${plan.reps}`);
          into.push(
            await measureThroughput({
              pg,
              redis,
              modelLatencyMs: ms,
              workers,
              tasks,
              reps: plan.reps,
              maxRepMs: plan.maxRepMs,
              log: ctx.log,
            }).catch((e: unknown) => {
              notes.push(
                `Throughput ${ms} ms × ${workers} workers failed: ${e instanceof Error ? e.message : String(e)}`,
              );
              return undefined;
            }),
          );
        }
      }
      tables.push(
        throughputTable(measured(latencyCells), LATENCY_MS),
        throughputTable(measured(zeroCells), 0),
      );
      notes.push(
        `Throughput: each worker process runs one task at a time; ${cpus().length} hardware threads shared with ` +
          'PostgreSQL, redis-server and the bench itself. "cores used" = CPU time of the workers, PostgreSQL ' +
          '(postmaster + backends) and redis-server over the timed span ÷ its wall time. "store" = time with a ' +
          'store call in flight; "queue" = the worker slot minus the run (BullMQ completing the job and handing ' +
          'out the next).',
      );
    }
    ctx.log('  per-step overhead by store');
    steps = await measureStepOverhead(typeof pg === 'string' ? undefined : pg, plan.steps, ctx.log).catch(
      (e: unknown) => {
        notes.push(`Per-step overhead failed: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      },
    );
    if (steps) tables.push(stepTable(steps.cells, plan.steps));
    for (const m of steps?.missing ?? []) notes.push(`${STORE_LABEL[m.id]} skipped (${m.why})`);
    notes.push(
      'Per-step overhead runs in this Node process; DexieStore uses fake-indexeddb here (the Dexie code path on an ' +
        'in-memory IndexedDB), the dexie-chromium suite measures it on Chromium’s IndexedDB.',
    );
  } finally {
    if (typeof redis !== 'string') await redis.stop();
    if (typeof pg !== 'string') await pg.stop();
  }
  const loadAfter = loadavg()[0]!;
  notes.push(
    `Machine load (1-minute load average) ${fmt(loadBefore, 1)} before and ${fmt(loadAfter, 1)} after this suite ` +
      `on ${cpus().length} hardware threads: other work on the machine shares the cores.`,
  );
  const latency = measured(latencyCells);
  const zero = measured(zeroCells);
  const one = latency.find((c) => c.workers === 1)?.medianTasksPerSecond;
  const four = latency.find((c) => c.workers === 4)?.medianTasksPerSecond;
  return {
    id: ID,
    title: TITLE,
    tables,
    targets: [
      target({
        id: 'workers.scaling',
        description: `agent-task throughput 4 ÷ 1 workers (${LATENCY_MS} ms model) ≥ ${SCALING_LIMIT}×`,
        actual: one && four ? four / one : null,
        limit: SCALING_LIMIT,
        comparison: '>=',
        unit: '×',
      }),
    ],
    data: {
      plan,
      cpuThreads: cpus().length,
      loadAverage: { before: loadBefore, after: loadAfter },
      throughput: { [`latency${LATENCY_MS}ms`]: latency, zeroLatency: zero },
      stepOverhead: steps ?? null,
    },
    notes,
  };
}
