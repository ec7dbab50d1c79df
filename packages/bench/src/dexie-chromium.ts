/**
 * DexieStore in Chromium: what persisting every step to IndexedDB costs a run, how that cost
 * scales with the thread, how fast a long run resumes, and how many bytes a step stores.
 *
 * `src/dexie-chromium/page.ts` is bundled by esbuild against afk's built `dist` (as users get it),
 * served from a throwaway http server on 127.0.0.1 (IndexedDB needs an http origin) and driven in
 * headless Chromium (`/usr/bin/chromium`, or `CHROMIUM_PATH`) through playwright-core. Without
 * Chromium or Playwright the suite reports every figure as unmeasured and says why.
 *
 * Registered in `index.ts` as the optional suite `dexie-chromium` (`runDexieBench()`).
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type {
  ResumeFigures,
  ResumePlan,
  StepFigures,
  StepPlan,
  WriteBreakdown,
} from './dexie-chromium/page.js';
import { packageVersion } from './env.js';
import { fmt, median } from './stats.js';
import {
  type SuiteContext,
  type SuiteResult,
  skippedSuite,
  type Table,
  type Target,
  target,
} from './suite.js';

const here = dirname(fileURLToPath(import.meta.url));
const benchRoot = join(here, '..');
const afkDist = join(benchRoot, '..', 'afk', 'dist');

const ID = 'dexie-chromium';
const TITLE = 'Dexie store in Chromium';

/** From the issue: median ≤ 1 ms per persisted step, ≤ 1.5× from 10 to 10,000 messages, resume ≤ 50 ms. */
const STEP_LIMIT_MS = 1;
const SCALING_LIMIT = 1.5;
const RESUME_LIMIT_MS = 50;
/** The model latency of the "what users feel" workload, and its target: ≤ 1 ms a step beyond model and tool. */
const MODEL_LATENCY_MS = 20;
const OVERHEAD_LIMIT_MS = 1;
/** `DexieStore.write` within 1.2× of a raw IndexedDB transaction carrying the same rows. */
const WRITE_FLOOR_LIMIT = 1.2;

/** The flags the repo uses for Chromium on this offline machine (see vite.config.ts). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

interface Plan {
  threadSizes: number[];
  steps: number;
  warmups: number;
  reps: number;
  /** Runs per thread size with the 20 ms model (after one warm-up). */
  latencyReps: number;
  /** Paired replays of the write breakdown (DexieStore.write vs the raw floor). */
  writeRounds: number;
  resume: ResumePlan;
}

const FULL: Plan = {
  threadSizes: [10, 1_000, 10_000],
  steps: 50,
  warmups: 1,
  reps: 5,
  latencyReps: 3,
  writeRounds: 4,
  resume: { events: 10_000, reps: 7 },
};
const QUICK: Plan = {
  threadSizes: [10, 1_000, 10_000],
  steps: 25,
  warmups: 1,
  reps: 2,
  latencyReps: 2,
  writeRounds: 2,
  resume: { events: 10_000, reps: 3 },
};

/** What the page exposes (see page.ts); typed here for `page.evaluate`. */
interface BenchApi {
  stepOverhead(plan: StepPlan): Promise<StepFigures>;
  resumeLongRun(plan: ResumePlan): Promise<ResumeFigures>;
  writeBreakdown(opts: { threadMessages: number; steps: number; rounds: number }): Promise<WriteBreakdown>;
  userAgent: string;
}

interface SizeFigures {
  threadMessages: number;
  dexie: StepFigures[];
  memory: StepFigures[];
  /** DexieStore runs with the 20 ms model. */
  latency: StepFigures[];
  /** The same with a side-effecting tool (its journal and result are never overlapped). */
  latencySideEffect: StepFigures[];
  bytes: StepFigures;
  medianStepMs: number;
  /** Median of step − model − tool, zero-latency model. */
  overheadMs: number;
  /** Median of step − model − tool, 20 ms model; and its p90. */
  latencyOverheadMs: number;
  latencyOverheadP90Ms: number;
  /** Median of step − model − tool, 20 ms model, side-effecting tool. */
  sideEffectOverheadMs: number;
  /** Median step and model time in the 20 ms runs. */
  latencyStepMs: number;
  p90StepMs: number;
  meanStepMs: number;
  memoryMedianStepMs: number;
  writeShare: number;
  medianWriteMs: number;
  writesPerStep: number;
  eventsPerStep: number;
  bytesPerStep: number;
  estimatePerStep: number | null;
  startMs: number;
  endMs: number;
}

function pct(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** A result with every target unmeasured, for when the browser cannot run. */
function skipped(reason: string): SuiteResult {
  return skippedSuite(ID, TITLE, targets(null, null, null, null, null, []), reason);
}

function targets(
  perSize: Array<{ n: number; ms: number }> | null,
  latencyOverhead: Array<{ n: number; ms: number }> | null,
  scaling: number | null,
  resumeMs: number | null,
  storeOverRaw: number | null,
  sizes: number[],
): Target[] {
  const ns = perSize?.map((s) => s.n) ?? (sizes.length ? sizes : FULL.threadSizes);
  const first = ns[0]!;
  const last = ns[ns.length - 1]!;
  return [
    ...ns.map((n) =>
      target({
        id: `dexie.step.n${n}`,
        description: `DexieStore median ms per step, thread of ${n.toLocaleString('en-US')} messages`,
        actual: perSize?.find((s) => s.n === n)?.ms ?? null,
        limit: STEP_LIMIT_MS,
        comparison: '<=',
        unit: 'ms',
      }),
    ),
    ...ns.map((n) =>
      target({
        id: `dexie.overhead.latency${MODEL_LATENCY_MS}.n${n}`,
        description: `DexieStore median ms per step beyond model and tool (${MODEL_LATENCY_MS} ms model), thread of ${n.toLocaleString('en-US')}`,
        actual: latencyOverhead?.find((s) => s.n === n)?.ms ?? null,
        limit: OVERHEAD_LIMIT_MS,
        comparison: '<=',
        unit: 'ms',
      }),
    ),
    target({
      id: 'dexie.write.floor',
      description: 'DexieStore.write ÷ raw IDB (requests issued together), worse thread size',
      actual: storeOverRaw,
      limit: WRITE_FLOOR_LIMIT,
      comparison: '<=',
      unit: '×',
    }),
    target({
      id: 'dexie.step.scaling',
      description: `DexieStore ms per step, ${last.toLocaleString('en-US')} ÷ ${first} messages`,
      actual: scaling,
      limit: SCALING_LIMIT,
      comparison: '<=',
      unit: '×',
    }),
    target({
      id: 'dexie.resume',
      description: 'resume of a 10,000-event run (interrupted, fresh store) → first model call',
      actual: resumeMs,
      limit: RESUME_LIMIT_MS,
      comparison: '<=',
      unit: 'ms',
    }),
  ];
}

/** Bundles the page entry against packages/afk/dist (never afk's source). */
async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [join(here, 'dexie-chromium', 'page.ts')],
    absWorkingDir: benchRoot,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    // Readable function names in CPU profiles; size does not matter here.
    minify: false,
    // No tsconfig: its `paths` map afk/* to source for type-checking only.
    tsconfigRaw: '{}',
  });
  if (Object.keys(result.metafile.inputs).some((i) => i.includes('afk/src/')))
    throw new Error('afk was bundled from source; expected packages/afk/dist');
  return result.outputFiles[0]!.text;
}

/**
 * Cross-origin isolation: without it Chromium coarsens `performance.now()` to 100 µs (with
 * jitter), too coarse for sub-millisecond steps; isolated pages get 5 µs.
 */
const HEADERS = {
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

function serve(bundle: string): Promise<{ server: Server; url: string }> {
  const html =
    '<!doctype html><meta charset="utf-8"><title>afk DexieStore bench</title><script type="module" src="/bench.js"></script>';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...HEADERS });
      res.end(html);
    } else if (path === '/bench.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', ...HEADERS });
      res.end(bundle);
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/` });
    });
  });
}

type PlaywrightPage = import('playwright-core').Page;

async function call<K extends 'stepOverhead' | 'resumeLongRun' | 'writeBreakdown'>(
  page: PlaywrightPage,
  fn: K,
  arg: Parameters<BenchApi[K]>[0],
): Promise<Awaited<ReturnType<BenchApi[K]>>> {
  return page.evaluate(
    ([name, a]) => {
      const api = (
        globalThis as unknown as { afkDexieBench: Record<string, (x: unknown) => Promise<unknown>> }
      ).afkDexieBench;
      return api[name]!(a);
    },
    [fn, arg] as const,
  ) as Promise<Awaited<ReturnType<BenchApi[K]>>>;
}

async function measureSize(
  ctx: SuiteContext,
  page: PlaywrightPage,
  plan: Plan,
  n: number,
): Promise<SizeFigures> {
  const dexie: StepFigures[] = [];
  const memory: StepFigures[] = [];
  const latency: StepFigures[] = [];
  const latencySideEffect: StepFigures[] = [];
  const base = {
    threadMessages: n,
    steps: plan.steps,
    countBytes: false,
    estimate: false,
    modelLatencyMs: 0,
  };
  for (let rep = 0; rep < plan.warmups + plan.reps; rep++) {
    const warm = rep < plan.warmups;
    // Alternate which store goes first, so drift spreads evenly.
    const order: Array<'dexie' | 'memory'> = rep % 2 === 0 ? ['dexie', 'memory'] : ['memory', 'dexie'];
    for (const store of order) {
      const f = await call(page, 'stepOverhead', { ...base, store });
      if (!warm) (store === 'dexie' ? dexie : memory).push(f);
    }
    ctx.log(`  thread ${n}: ${warm ? 'warm-up' : `rep ${rep - plan.warmups + 1}/${plan.reps}`} done`);
  }
  for (let rep = 0; rep < 1 + plan.latencyReps; rep++) {
    const f = await call(page, 'stepOverhead', {
      ...base,
      store: 'dexie',
      modelLatencyMs: MODEL_LATENCY_MS,
    });
    if (rep > 0) latency.push(f);
  }
  for (let rep = 0; rep < plan.latencyReps; rep++) {
    latencySideEffect.push(
      await call(page, 'stepOverhead', {
        ...base,
        store: 'dexie',
        modelLatencyMs: MODEL_LATENCY_MS,
        toolEffects: 'side_effect',
      }),
    );
  }
  ctx.log(
    `  thread ${n}: ${plan.latencyReps} runs with a ${MODEL_LATENCY_MS} ms model (pure, side effect) done`,
  );
  // Sizes: one more (untimed) run that serialises every batch and asks for storage usage.
  const bytes = await call(page, 'stepOverhead', {
    ...base,
    steps: plan.steps * 4,
    store: 'dexie',
    countBytes: true,
    estimate: true,
  });
  const steps = dexie.flatMap((f) => f.stepMs);
  const writes = dexie.flatMap((f) => f.writeMs);
  const stepCount = dexie.length * plan.steps;
  const latencyOverheads = latency.flatMap((f) => f.overheadMs);
  return {
    threadMessages: n,
    dexie,
    memory,
    latency,
    latencySideEffect,
    bytes,
    medianStepMs: median(steps),
    overheadMs: median(dexie.flatMap((f) => f.overheadMs)),
    latencyOverheadMs: median(latencyOverheads),
    latencyOverheadP90Ms: pct(latencyOverheads, 90),
    sideEffectOverheadMs: median(latencySideEffect.flatMap((f) => f.overheadMs)),
    latencyStepMs: median(latency.flatMap((f) => f.stepMs)),
    p90StepMs: pct(steps, 90),
    meanStepMs: median(dexie.map((f) => f.runMs / plan.steps)),
    memoryMedianStepMs: median(memory.flatMap((f) => f.stepMs)),
    writeShare: sum(writes) / sum(steps),
    medianWriteMs: median(writes),
    writesPerStep: sum(dexie.map((f) => f.writes)) / stepCount,
    eventsPerStep: sum(dexie.map((f) => f.stepEvents)) / stepCount,
    bytesPerStep: (bytes.stepBytes ?? 0) / bytes.plan.steps,
    estimatePerStep: bytes.estimateDelta === null ? null : bytes.estimateDelta / bytes.plan.steps,
    startMs: median(dexie.map((f) => f.startMs)),
    endMs: median(dexie.map((f) => f.endMs)),
  };
}

interface CpuSummary {
  sampledMs: number;
  idleMs: number;
  gcMs: number;
  programMs: number;
  /** JS self time by function, largest first. */
  top: Array<{ fn: string; selfMs: number }>;
}

/**
 * A CPU profile (CDP sampling profiler, 100 µs) of one measured run: how much of the wall time
 * the page's main thread was busy, and with what. Idle time is the page waiting for IndexedDB,
 * which runs in the browser process.
 */
async function profileRun(page: PlaywrightPage, plan: StepPlan): Promise<CpuSummary> {
  const session = await page.context().newCDPSession(page);
  try {
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', { interval: 100 });
    await session.send('Profiler.start');
    await call(page, 'stepOverhead', plan);
    const { profile } = await session.send('Profiler.stop');
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      const node = byId.get(samples[i]!);
      if (!node) continue;
      const f = node.callFrame;
      const key = f.url
        ? `${f.functionName || '(anonymous)'} (${f.url.split('/').pop()}:${f.lineNumber + 1})`
        : f.functionName;
      self.set(key, (self.get(key) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0) / 1000);
    }
    const take = (k: string) => self.get(k) ?? 0;
    const special = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);
    return {
      sampledMs: sum([...self.values()]),
      idleMs: take('(idle)'),
      gcMs: take('(garbage collector)'),
      programMs: take('(program)'),
      top: [...self]
        .filter(([k]) => !special.has(k))
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([fn, selfMs]) => ({ fn, selfMs: round(selfMs, 1) })),
    };
  } finally {
    await session.detach().catch(() => undefined);
  }
}

function breakdownTable(rows: Array<{ n: number; b: WriteBreakdown }>): Table {
  const labels = Object.keys(rows[0]?.b.medians ?? {});
  return {
    title: `Where a step's write time goes: median ms per batch (the step batches of a real run, ~${fmt(rows[0]?.b.eventsPerBatch ?? 0, 1)} events each, replayed into fresh databases)`,
    columns: ['how the batch is written', ...rows.map((r) => `thread of ${r.n.toLocaleString('en-US')}`)],
    rows: labels.map((l) => [l, ...rows.map((r) => fmt(r.b.medians[l] ?? Number.NaN, 3))]),
  };
}

function cpuTable(c: CpuSummary, plan: StepPlan): Table {
  const pctOf = (ms: number) => `${fmt(ms, 0)} ms (${fmt((ms / c.sampledMs) * 100, 0)}%)`;
  return {
    title: `Main-thread CPU profile of one run (${plan.steps} steps, thread of ${plan.threadMessages.toLocaleString('en-US')}, prefill included)`,
    columns: ['where', 'self time'],
    rows: [
      ['idle (waiting for IndexedDB in the browser process)', pctOf(c.idleMs)],
      ['garbage collector', pctOf(c.gcMs)],
      ['(program): native work, structured clone, IPC', pctOf(c.programMs)],
      ...c.top.map((t) => [`JS: ${t.fn}`, pctOf(t.selfMs)]),
    ],
    alignRight: [1],
  };
}

/** Which part of a write dominates, from the replay of one thread size's step batches. */
function writeNote(b: WriteBreakdown, s: SizeFigures): string {
  const m = b.medians;
  const store = m['DexieStore.write'] ?? Number.NaN;
  const floor = m[PAIRED_FLOOR] ?? Number.NaN;
  const sequential = m['raw IDB, read + awaited requests (default)'] ?? Number.NaN;
  const validation = m['validation only (RunEventSchema per event)'] ?? Number.NaN;
  return (
    `Each step makes ${fmt(s.writesPerStep, 0)} durable writes (the model response with the journal; the tool result with the next step's opening). ` +
    "With a zero-latency model the loop waits for each right away; with a slower one a pure step's writes commit while the tool body and the next model call run (see the 20 ms table). " +
    `One DexieStore.write costs ${fmt(store, 2)} ms; a raw IndexedDB ` +
    `transaction with the same rows, all requests issued at once, ${fmt(floor, 2)} ms (the commit floor here), and ` +
    `${fmt(sequential, 2)} ms when, like the store, it first reads the last seq and then awaits each request in turn. ` +
    `Zod validation of the events is ${fmt(validation, 3)} ms. ` +
    `Measured pairwise (each batch both ways, back to back), the store's write is ${fmt(b.storeOverRaw, 2)}× the floor ` +
    `(target ≤ ${WRITE_FLOOR_LIMIT}×). ` +
    (s.writesPerStep * floor > STEP_LIMIT_MS
      ? `At the floor, ${fmt(s.writesPerStep, 0)} commits per step still cost ${fmt(s.writesPerStep * floor, 2)} ms, above the ${STEP_LIMIT_MS} ms target.`
      : `At the floor, ${fmt(s.writesPerStep, 0)} commits per step would cost ${fmt(s.writesPerStep * floor, 2)} ms.`)
  );
}

/** The label of the floor measured pairwise with `DexieStore.write` (see page.ts). */
const PAIRED_FLOOR = 'raw IDB, requests issued together (default)';

function latencyTable(sizes: SizeFigures[], plan: Plan): Table {
  return {
    title: `DexieStore in Chromium with a ${MODEL_LATENCY_MS} ms model: what a step adds beyond the model and the tool (${plan.steps} steps × ${plan.latencyReps} runs per thread size)`,
    columns: [
      'thread messages',
      `median step ms (${MODEL_LATENCY_MS} ms model)`,
      'median overhead ms/step (step − model − tool)',
      'p90 overhead',
      'zero-latency model: overhead ms/step',
      `side-effecting tool (${MODEL_LATENCY_MS} ms model): overhead ms/step`,
    ],
    rows: sizes.map((s) => [
      s.threadMessages.toLocaleString('en-US'),
      fmt(s.latencyStepMs, 3),
      fmt(s.latencyOverheadMs, 3),
      fmt(s.latencyOverheadP90Ms, 3),
      fmt(s.overheadMs, 3),
      fmt(s.sideEffectOverheadMs, 3),
    ]),
  };
}

function stepTable(sizes: SizeFigures[], plan: Plan): Table {
  return {
    title: `DexieStore in Chromium: ms per persisted step (${plan.steps} steps × ${plan.reps} runs per thread size; zero-latency model, one pure no-op tool)`,
    columns: [
      'thread messages',
      'median ms/step',
      'p90',
      'InMemoryStore median',
      'in store.write (median ms, share)',
      'writes/step',
      'run start ms',
      'run end ms',
      'mean ms/step incl. start+end',
    ],
    rows: sizes.map((s) => [
      s.threadMessages.toLocaleString('en-US'),
      fmt(s.medianStepMs, 3),
      fmt(s.p90StepMs, 3),
      fmt(s.memoryMedianStepMs, 3),
      `${fmt(s.medianWriteMs, 3)} (${fmt(s.writeShare * 100, 0)}%)`,
      fmt(s.writesPerStep, 1),
      fmt(s.startMs, 1),
      fmt(s.endMs, 1),
      fmt(s.meanStepMs, 3),
    ]),
  };
}

function bytesTable(sizes: SizeFigures[]): Table {
  return {
    title: 'DexieStore in Chromium: bytes stored per step',
    columns: [
      'thread messages',
      'events/step',
      'JSON bytes of rows written/step',
      'storage.estimate() Δ/step',
    ],
    rows: sizes.map((s) => [
      s.threadMessages.toLocaleString('en-US'),
      fmt(s.eventsPerStep, 1),
      fmt(s.bytesPerStep, 0),
      s.estimatePerStep === null ? '—' : fmt(s.estimatePerStep, 0),
    ]),
  };
}

function resumeTable(r: ResumeFigures): Table {
  const row = (label: string, xs: number[]) => [
    label,
    fmt(median(xs), 2),
    fmt(Math.min(...xs), 2),
    fmt(Math.max(...xs), 2),
  ];
  return {
    title: `Resume of a ${r.eventsAtFirstResume.toLocaleString('en-US')}-event run paused on an approval (${r.resumeToModelMs.length} resumes, each on a fresh DexieStore instance)`,
    columns: ['what', 'median ms', 'min', 'max'],
    rows: [
      row('runner.resume() → first model call', r.resumeToModelMs),
      row(
        `loadRunState (snapshot of ${fmt(r.snapshotBytes / 1024, 0)} KB + ${fmt(median(r.tailEvents), 0)}-event tail)`,
        r.loadStateMs,
      ),
      row('worst case, no snapshot: readEvents (all, validated)', r.fullReadMs),
      row(
        'worst case: of that, IndexedDB + structured clone (same rows via Dexie, unvalidated)',
        r.fullRawReadMs,
      ),
      row('worst case, no snapshot: foldRun of all events', r.fullFoldMs),
    ],
  };
}

/**
 * Runs the suite. Returns a `SuiteResult` (tables, targets, raw figures); when Chromium or
 * Playwright is missing, every target is unmeasured and a note says why.
 */
export async function runDexieBench(ctx: SuiteContext): Promise<SuiteResult> {
  const plan = ctx.quick ? QUICK : FULL;
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) return skipped(`no Chromium at ${executablePath} (set CHROMIUM_PATH)`);
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (error) {
    return skipped(
      `playwright-core is not installed (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!existsSync(join(afkDist, 'memory', 'index.js')))
    throw new Error(
      `${afkDist} is missing: run \`npm run build -w afk\` first (root \`npm run bench\` does)`,
    );

  ctx.log('  bundling the page against packages/afk/dist');
  const bundle = await bundlePage();
  const { server, url } = await serve(bundle);
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(
      () => (globalThis as { afkDexieBench?: unknown }).afkDexieBench !== undefined,
      null,
      {
        timeout: 15_000,
      },
    );
    const userAgent = await page.evaluate(() => navigator.userAgent);
    const chromeVersion = /Chrome\/([\d.]+)/.exec(userAgent)?.[1] ?? userAgent;
    ctx.log(
      `  Chromium ${chromeVersion}; thread sizes ${plan.threadSizes.join('/')}, ${plan.steps} steps, ${plan.warmups} warm-up + ${plan.reps} reps`,
    );

    const sizes: SizeFigures[] = [];
    for (const n of plan.threadSizes) sizes.push(await measureSize(ctx, page, plan, n));
    ctx.log(`  resume: building a ~${plan.resume.events.toLocaleString('en-US')}-event run`);
    const resume = await call(page, 'resumeLongRun', plan.resume);
    ctx.log('  profile: write breakdown and a CPU profile');
    const breakdown: Array<{ n: number; b: WriteBreakdown }> = [];
    for (const n of [plan.threadSizes[0]!, plan.threadSizes[plan.threadSizes.length - 1]!])
      breakdown.push({
        n,
        b: await call(page, 'writeBreakdown', {
          threadMessages: n,
          steps: plan.steps,
          rounds: plan.writeRounds,
        }),
      });
    const profilePlan: StepPlan = {
      threadMessages: plan.threadSizes[0]!,
      steps: 200,
      store: 'dexie',
      countBytes: false,
      estimate: false,
      modelLatencyMs: 0,
    };
    const cpu = await profileRun(page, profilePlan);
    if (pageErrors.length) throw new Error(`the page reported errors: ${pageErrors.join('; ')}`);

    const first = sizes[0]!;
    const last = sizes[sizes.length - 1]!;
    const scaling = last.medianStepMs / first.medianStepMs;
    const resumeMs = median(resume.resumeToModelMs);
    const dominant = sizes.map(
      (s) =>
        `${s.threadMessages.toLocaleString('en-US')} messages: ${fmt(s.writeShare * 100, 0)}% of step time awaiting store.write, ` +
        `${fmt(s.memoryMedianStepMs, 3)} ms/step is the runner itself (InMemoryStore)`,
    );
    const notes = [
      `Chromium ${chromeVersion}, headless, real IndexedDB (Dexie ${packageVersion('dexie') ?? '?'}) and Web Locks; afk from packages/afk/dist.`,
      'A step is the time from one model call to the next: the model response is logged, the tool gate and journal run, the no-op tool runs, and the batches are flushed (default durability). The thread is prefilled by one completed run whose transcript has that many messages; the measured run sends it as history.',
      '"run start" is from run() to the first model call (loads the thread and logs run_started, which carries the history); "run end" writes run_completed and the final snapshot; both are paid once per run, not per step.',
      `Resume: runner.resume() on a fresh DexieStore instance (as after a reload) of a run paused on an approval (just decided), stopped at the first model call; it includes the lease, loading the latest snapshot and its tail, running the approved tool and two flushes. The worst-case rows fold all ${resume.eventsAtFirstResume.toLocaleString('en-US')} events without a snapshot (e.g. a crash long after the last one).`,
      `Bytes: JSON size of the rows each step writes (measured over ${plan.steps * 4} steps), and the change in navigator.storage.estimate() usage, which Chromium reports at the granularity of its LevelDB files.`,
      `Where step time goes: ${dominant.join('; ')}.`,
      writeNote(breakdown[0]!.b, sizes[0]!),
      `With a ${MODEL_LATENCY_MS} ms model (a timer in the page) a step's overhead is its time minus the model call's own time (call to answer) and the tool's own time; store writes that need not precede the next action overlap the model call (and a pure tool's journal its body). With a side-effecting tool nothing of the step overlaps: its journal entry commits before it runs and its result before the next model call (two commits a step), which the last column shows.`,
    ];
    const perSize = sizes.map((s) => ({ n: s.threadMessages, ms: round(s.medianStepMs) }));
    const latencyOverhead = sizes.map((s) => ({ n: s.threadMessages, ms: round(s.latencyOverheadMs) }));
    const storeOverRaw = Math.max(...breakdown.map((x) => x.b.storeOverRaw));
    return {
      id: ID,
      title: TITLE,
      tables: [
        stepTable(sizes, plan),
        latencyTable(sizes, plan),
        bytesTable(sizes),
        resumeTable(resume),
        breakdownTable(breakdown),
        cpuTable(cpu, profilePlan),
      ],
      targets: targets(
        perSize,
        latencyOverhead,
        round(scaling),
        round(resumeMs, 2),
        round(storeOverRaw, 2),
        plan.threadSizes,
      ),
      data: {
        plan,
        userAgent,
        sizes: sizes.map(({ dexie, memory, latency, latencySideEffect, bytes, ...s }) => ({
          ...s,
          latencySamplesOverheadMs: latency.map((f) => f.overheadMs.map((x) => round(x))),
          latencySamplesStepMs: latency.map((f) => f.stepMs.map((x) => round(x))),
          sideEffectSamplesOverheadMs: latencySideEffect.map((f) => f.overheadMs.map((x) => round(x))),
          samplesStepMs: dexie.map((f) => f.stepMs.map((x) => round(x))),
          samplesWriteMs: dexie.map((f) => f.writeMs.map((x) => round(x))),
          memorySamplesStepMs: memory.map((f) => f.stepMs.map((x) => round(x))),
          prefillMs: dexie.map((f) => round(f.prefillMs, 1)),
          bytesRun: {
            stepBytes: bytes.stepBytes,
            steps: bytes.plan.steps,
            estimateDelta: bytes.estimateDelta,
          },
        })),
        resume,
        writeBreakdown: breakdown,
        cpuProfile: { plan: profilePlan, ...cpu },
      },
      notes,
    };
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
