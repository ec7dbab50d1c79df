/**
 * The in-page half of the eval-dashboard benchmark (bundled by esbuild: @afk/react's
 * `EvalDashboard` against afk's built dist; served and driven by `../eval-dashboard-chromium.ts`).
 * It installs `globalThis.afkEvalDashboardBench`: `seed` stores N suite runs of M cases each in a
 * DexieStore (reports shaped like `runSuite`'s: two assertions per case, input and expected, a
 * few failures that move between runs), `open` mounts the dashboard over a fresh store instance
 * and times it until the case × run matrix is painted, and until every run is in (the trend).
 */
import { AfkProvider, EvalDashboard } from '@afk/react';
import type { CaseReport, SuiteReport } from 'afk/evals/models';
import { DexieStore } from 'afk/memory';
import { createRoot, type Root } from 'react-dom/client';

export interface SeedFigures {
  runs: number;
  cases: number;
  /** The JSON size of one report. */
  reportBytes: number;
  seedMs: number;
}

export interface OpenFigures {
  /** From mounting to the frame after the matrix rows are in the DOM. */
  firstRenderMs: number;
  /** Until every stored run is in (the trend over all of them): the second, full read. */
  completeMs: number;
  rows: number;
  columns: number;
}

const usage = (costUsd: number) => ({ inputTokens: 120, outputTokens: 40, totalTokens: 160, costUsd });

function caseOf(run: number, i: number): CaseReport {
  // About 5 % fail, a different set each run (so "changed" and "regressed" have work to do).
  const failed = (i * 7 + run * 3) % 20 === 0;
  const errored = !failed && (i + run) % 97 === 0;
  const status = failed ? 'failed' : errored ? 'errored' : 'passed';
  const passed = status === 'passed';
  return {
    id: `case-${String(i).padStart(3, '0')}`,
    tags: i % 3 === 0 ? ['smoke'] : [],
    input: `What is item ${i} of the catalogue, and what does it cost?`,
    expected: { answer: `item ${i}`, price: i * 3 },
    status,
    passed,
    state: errored ? 'failed' : 'completed',
    ...(errored ? { error: { code: 'tool_failed', message: 'lookup service answered 503' } } : {}),
    assertions: [
      {
        name: 'toolCalled(lookup)',
        score: 1,
        passed: true,
        reason: 'lookup was called with {"id":' + i + '}',
      },
      {
        name: 'finalTextContains',
        score: passed ? 1 : 0,
        passed,
        reason: passed ? `found "item ${i}"` : `no "item ${i}" in "I could not find it"`,
      },
    ],
    budgetViolations: [],
    durationMs: 200 + ((i * 13 + run) % 400),
    usage: usage(0.0004),
    judgeUsage: usage(0),
    runId: `run_${run}_${i}`,
    finalText: passed ? `Item ${i} costs ${i * 3} EUR.` : 'I could not find it',
    trials: [],
  };
}

function reportOf(run: number, cases: number, startedAt: number): SuiteReport {
  const cs = Array.from({ length: cases }, (_, i) => caseOf(run, i));
  const count = (s: CaseReport['status']) => cs.filter((c) => c.status === s).length;
  const passed = count('passed');
  return {
    version: 1,
    suiteId: 'catalogue',
    name: 'Catalogue answers',
    startedAt,
    durationMs: 60_000,
    passed: passed === cases,
    summary: {
      total: cases,
      passed,
      failed: count('failed'),
      errored: count('errored'),
      skipped: 0,
      passRate: passed / cases,
      trials: cases,
    },
    usage: usage(0.08),
    judgeUsage: usage(0),
    budgetViolations: [],
    cases: cs,
    outputs: {},
  };
}

async function seed(opts: { db: string; runs: number; cases: number }): Promise<SeedFigures> {
  const t0 = performance.now();
  const store = new DexieStore({ name: opts.db });
  const base = Date.now() - opts.runs * 3_600_000;
  let reportBytes = 0;
  for (let r = 0; r < opts.runs; r++) {
    const report = reportOf(r, opts.cases, base + r * 3_600_000);
    if (r === 0) reportBytes = JSON.stringify(report).length;
    await store.putEvalReport({
      suiteId: report.suiteId,
      startedAt: report.startedAt,
      report: report as never,
    });
  }
  await store.close();
  return { runs: opts.runs, cases: opts.cases, reportBytes, seedMs: performance.now() - t0 };
}

let root: Root | undefined;
let host: HTMLDivElement | undefined;
let openStore: DexieStore | undefined;
const frame = () => new Promise<number>((r) => requestAnimationFrame(r));

/** Mounts the dashboard over a fresh store instance and times it to the painted matrix. */
async function open(opts: { db: string; runs: number; cases: number }): Promise<OpenFigures> {
  root?.unmount();
  host?.remove();
  await openStore?.close();
  host = document.createElement('div');
  host.style.cssText = 'width: 1400px;';
  document.body.append(host);
  const store = new DexieStore({ name: opts.db });
  openStore = store;
  const t0 = performance.now();
  root = createRoot(host);
  root.render(
    <AfkProvider store={store}>
      <EvalDashboard />
    </AfkProvider>,
  );
  const el = host;
  const until = async (done: () => boolean, what: string) => {
    for (;;) {
      await frame();
      if (done()) {
        // The frame after the commit: laid out and painted.
        await frame();
        return performance.now() - t0;
      }
      if (performance.now() - t0 > 60_000) throw new Error(`the dashboard did not ${what} in 60 s`);
    }
  };
  const firstRenderMs = await until(
    () => el.querySelectorAll('[data-testid^="eval-row-"]').length >= opts.cases,
    'render its matrix',
  );
  const rows = el.querySelectorAll('[data-testid^="eval-row-"]').length;
  const columns = el.querySelectorAll('[data-testid="eval-matrix"] thead th').length - 1;
  // Up to the first read's size, the first read is the whole answer.
  if (opts.runs <= 6) return { firstRenderMs, completeMs: firstRenderMs, rows, columns };
  const completeMs = await until(
    () =>
      el
        .querySelector('[data-testid="eval-trend"] svg')
        ?.getAttribute('aria-label')
        ?.startsWith(`pass rate over ${opts.runs} runs`) ?? false,
    'show every run',
  );
  return { firstRenderMs, completeMs, rows, columns };
}

/** Where the first render's time goes: the store read, and the rest (built and painted). */
async function probe(opts: { db: string }): Promise<Record<string, number>> {
  const store = new DexieStore({ name: opts.db });
  await store.open();
  const t0 = performance.now();
  await store.dexie.evalResults.orderBy('startedAt').reverse().limit(50).toArray();
  const t1 = performance.now();
  const rows = await store.listEvalReports(50);
  const t3 = performance.now();
  await store.close();
  return { idbReadMs: t1 - t0, listEvalReportsMs: t3 - t1, reports: rows.length };
}

(globalThis as unknown as { afkEvalDashboardBench: unknown }).afkEvalDashboardBench = {
  seed,
  open,
  probe,
};
