import { Runner } from '../core/runner.js';
import { toErrorInfo } from '../errors/index.js';
import type { UsageAggregate } from '../events/records.js';
import { hashValue } from '../internal/json.js';
import type { LLMClient } from '../llms/types.js';
import { caseReport, skippedCase, summarise } from './aggregate.js';
import { compareWithBaseline, parseBaseline } from './baseline.js';
import { budgetViolations } from './budget-check.js';
import type { EvalCase } from './models/case.js';
import { defaultJudgeCache } from './models/judge-cache.js';
import {
  type CaseReport,
  SUITE_REPORT_VERSION,
  type SuiteReport,
  type TrialReport,
} from './models/report.js';
import { toStoredReport } from './models/stored-report.js';
import { renderReports } from './reporters/render.js';
import { parseSuiteOptions, type RunSuiteOptions } from './suite-options.js';
import { runTrial } from './trial.js';
import { addUsage, zeroUsage } from './usage.js';

const DEFAULT_CONCURRENCY = 4;

function suiteIdOf(opts: RunSuiteOptions): string {
  if (opts.suiteId) return opts.suiteId;
  if (opts.name)
    return (
      opts.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'suite'
    );
  return `suite-${hashValue(opts.cases.map((c) => c.id)).slice(0, 10)}`;
}

function modelResolver(llms: RunSuiteOptions['llms']): (m: string | LLMClient) => Promise<LLMClient> {
  const cache = new Map<string, LLMClient>();
  return async (model) => {
    if (typeof model !== 'string') return model;
    const hit = cache.get(model);
    if (hit) return hit;
    let client: LLMClient | undefined;
    if (typeof llms === 'function') client = llms(model);
    else if (llms && Object.hasOwn(llms, model)) client = llms[model];
    // Lazy: suites with no judge by name never load the providers.
    client ??= (await import('../llms/resolve.js')).resolveModel(model);
    cache.set(model, client);
    return client;
  };
}

/**
 * Runs eval cases against an agent and reports what happened: each case (and each repeat) is a
 * run on `runner`, checked against the case's budget, expected end state and assertions. Cases
 * run `concurrency` at a time; a failed run is a failed case and a throwing assertion an errored
 * one, never a crashed suite (only invalid options throw, as one `AfkConfigError` listing every
 * issue). With `repeat`, each case reports its trials and a stability figure; with `baseline`,
 * each case is marked regressed / improved / unchanged / new. The report is persisted to the
 * store (default the runner's) for the dashboard, and rendered by each requested reporter into
 * `outputs`.
 *
 * @example
 * const report = await runSuite({
 *   cases: [{ id: 'adds', input: 'add 2 and 3', assertions: [toolCalled('add', { a: 2, b: 3 }), finalTextContains('5')] }],
 *   agent,
 *   reporters: ['junit', 'markdown'],
 * });
 * if (!report.passed) console.log(report.outputs.markdown);
 */
export async function runSuite(options: RunSuiteOptions): Promise<SuiteReport> {
  const opts = parseSuiteOptions(options);
  const runner = opts.runner ?? new Runner();
  const redactKeys = runner.config.redactKeys;
  const startedAt = Date.now();
  const t0 = performance.now();
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  const cases = opts.cases;
  const suiteUsage = zeroUsage();
  const judgeUsage = zeroUsage();
  const totals = { steps: 0, toolCalls: 0, llmCalls: 0 };
  const suiteViolations: string[] = [];

  // A suite signal only when something can abort it (the caller's signal, a time budget).
  const suiteMs = opts.budget?.maxDurationMs;
  const ctrl = opts.signal || suiteMs !== undefined ? new AbortController() : undefined;
  const onAbort = () => ctrl?.abort(opts.signal?.reason);
  if (opts.signal?.aborted) ctrl?.abort(opts.signal.reason);
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  let stopped = false;
  const suiteTimer =
    suiteMs === undefined
      ? undefined
      : setTimeout(() => {
          stopped = true;
          ctrl?.abort(new Error('suite time budget spent'));
        }, suiteMs);

  const jobs: Array<{ index: number; trial: number }> = [];
  const remaining = new Array<number>(cases.length);
  for (const [index, c] of cases.entries()) {
    const n = c.repeat ?? opts.repeat ?? 1;
    remaining[index] = n;
    for (let trial = 1; trial <= n; trial++) jobs.push({ index, trial });
  }
  const trials: TrialReport[][] = cases.map(() => []);
  const done: Array<CaseReport | undefined> = new Array(cases.length);
  const progress = { done: 0, passed: 0, failed: 0, errored: 0, skipped: 0 };
  const finish = (index: number, report: CaseReport) => {
    done[index] = report;
    progress.done++;
    progress[report.status]++;
    opts.onProgress?.({ ...progress, total: cases.length, caseId: report.id, status: report.status });
  };

  const checkSuiteBudget = () => {
    if (!opts.budget) return;
    // Time is the timer's business; totals are checked as trials finish.
    const { maxDurationMs: _time, ...limits } = opts.budget;
    const v = budgetViolations(limits, {
      durationMs: 0,
      costUsd: suiteUsage.costUsd,
      totalTokens: suiteUsage.totalTokens,
      ...totals,
    });
    if (v.length) stopped = true;
  };

  const deps = {
    runner,
    agent: opts.agent,
    suiteAssertions: opts.assertions ?? [],
    judgeCache: opts.judgeCache ?? defaultJudgeCache(),
    resolveModel: modelResolver(opts.llms),
    chargeSuite: (u: UsageAggregate) => {
      addUsage(judgeUsage, u);
    },
    signal: ctrl?.signal,
  };

  let next = 0;
  const worker = async () => {
    for (;;) {
      if (stopped || ctrl?.signal.aborted) return;
      const job = jobs[next++];
      if (!job) return;
      const c = cases[job.index] as EvalCase;
      const t = await runTrial(c, job.trial, deps);
      trials[job.index]!.push(t);
      addUsage(suiteUsage, t.usage);
      if (t.counters) {
        totals.steps += t.counters.steps;
        totals.toolCalls += t.counters.toolCalls;
        totals.llmCalls += t.counters.llmCalls;
      }
      checkSuiteBudget();
      if (!t.passed && opts.failFast) stopped = true;
      remaining[job.index]!--;
      if (remaining[job.index] === 0) finish(job.index, caseReport(c, trials[job.index]!, redactKeys));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, jobs.length)) }, worker));
  } finally {
    if (suiteTimer !== undefined) clearTimeout(suiteTimer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  // Cases cut short (fail-fast, budget, abort): those with trials report them, the rest are skipped.
  for (const [index, c] of cases.entries()) {
    if (done[index]) continue;
    finish(
      index,
      trials[index]!.length ? caseReport(c, trials[index]!, redactKeys) : skippedCase(c, redactKeys),
    );
  }

  const durationMs = performance.now() - t0;
  if (opts.budget) {
    suiteViolations.push(
      ...budgetViolations(opts.budget, {
        durationMs,
        costUsd: suiteUsage.costUsd,
        totalTokens: suiteUsage.totalTokens,
        ...totals,
      }),
    );
  }
  const caseReports = done as CaseReport[];
  const summary = summarise(caseReports);
  const baseline =
    opts.baseline === undefined ? undefined : compareWithBaseline(caseReports, parseBaseline(opts.baseline));
  const ran = summary.total - summary.skipped;
  // An empty (or entirely skipped) suite does not pass: nothing was shown to work.
  const passed =
    ran > 0 &&
    summary.passRate >= (opts.minPassRate ?? 1) &&
    suiteViolations.length === 0 &&
    !(opts.failOnRegression && baseline && baseline.regressed.length > 0);

  const report: SuiteReport = {
    version: SUITE_REPORT_VERSION,
    suiteId: suiteIdOf(opts),
    name: opts.name ?? 'suite',
    startedAt,
    durationMs,
    passed,
    summary,
    usage: suiteUsage,
    judgeUsage,
    budgetViolations: suiteViolations,
    cases: caseReports,
    ...(baseline ? { baseline } : {}),
    outputs: {},
  };
  const store = opts.store === false ? undefined : (opts.store ?? runner.store);
  if (store) {
    try {
      await store.putEvalReport({ suiteId: report.suiteId, startedAt, report: toStoredReport(report) });
    } catch (e) {
      // The report is still returned (and rendered): a store that refuses it loses nothing here.
      report.warnings = [`the report was not saved to the store: ${toErrorInfo(e).message}`];
    }
  }
  report.outputs = renderReports(report, opts.reporters ?? []);
  return report;
}
