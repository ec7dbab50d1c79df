import type { Page, TestInfo } from '@playwright/test';
import type { ApprovalDecision } from 'afk/core';
import type { RunExport } from 'afk/debugger';
import type { EvalCase, PageRun, SuiteReport } from 'afk/evals';
import { loadCases } from 'afk/evals';
import type { RunRecord } from 'afk/memory';
import { AfkPageError } from './errors.js';
import { callHandle } from './page-call.js';
import { toAfkRun } from './run-view.js';
import type {
  AfkDecision,
  AfkEvaluateOptions,
  AfkFixture,
  AfkFixtureOptions,
  AfkRun,
  AfkRunFilter,
} from './types.js';

/** The fixture's defaults (`test.use({ afkOptions: { ... } })` overrides them). */
export const DEFAULT_AFK_OPTIONS: AfkFixtureOptions = {
  handleTimeoutMs: 10_000,
  runTimeoutMs: 20_000,
  attachOnFailure: true,
};

/** Most run exports a failing test attaches (the newest touched runs win). */
const MAX_ATTACHED_RUNS = 10;

/** What one test touched, for its attachments: runs (with the page that has them) and reports. */
export interface Touched {
  runs: Map<string, { page: Page; last?: PageRun }>;
  reports: SuiteReport[];
}

/** Finds a function, a class instance or a RegExp in cases that must cross into the page as JSON. */
function notJson(value: unknown, path: string): string | undefined {
  if (value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value)) return undefined;
  if (typeof value === 'function') return `${path} is a function`;
  if (typeof value !== 'object') return `${path} is a ${typeof value}`;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const bad = notJson(v, `${path}.${i}`);
      if (bad) return bad;
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null)
    return `${path} is a ${(value as object).constructor?.name ?? 'class instance'}`;
  for (const [k, v] of Object.entries(value)) {
    const bad = notJson(v, `${path}.${k}`);
    if (bad) return bad;
  }
  return undefined;
}

async function casesOf(cases: EvalCase[] | string, url: string): Promise<EvalCase[]> {
  const list = typeof cases === 'string' ? await loadCases(cases) : cases;
  const bad = notJson(list, 'cases');
  if (bad) {
    throw new AfkPageError(
      'invalid_argument',
      `afk.evaluate: ${bad}; cases run inside the page and cross as JSON, so give assertions in their JSON form ` +
        `(e.g. { type: 'toolCalled', name: 'add', args: { a: 2 } }) or load them from a case file`,
      url,
      { issues: [{ path: bad.split(' ')[0]?.split('.') ?? [], message: bad }] },
    );
  }
  return list;
}

/** The page's newest root runs, one line each: what a timed-out `waitForRun` did find. */
async function describePageRuns(page: Page): Promise<string> {
  try {
    const runs = await callHandle<RunRecord[]>(page, 'runs', [5], {
      handleTimeoutMs: 1_000,
      deadlineMs: Date.now() + 3_000,
    });
    if (!runs.length) return 'The page has no runs.';
    const line = (r: RunRecord) => {
      const state = r.result?.state ?? r.status;
      const err = r.result?.error ? `: ${r.result.error.code}: ${r.result.error.message}` : '';
      return `  - ${r.runId} (agent ${r.agentName}, ${state}${err}, started ${new Date(r.startedAt).toISOString()})`;
    };
    return `The page's newest runs:\n${runs.map(line).join('\n')}`;
  } catch {
    return '';
  }
}

/** The `afk` fixture bound to one page; `touched` is shared by every page of the test. */
export function createAfkFixture(page: Page, options: AfkFixtureOptions, touched: Touched): AfkFixture {
  const touch = (runId: string, last?: PageRun) => {
    const had = touched.runs.get(runId);
    touched.runs.delete(runId); // re-insert: newest last
    touched.runs.set(runId, { page, ...(last ? { last } : had?.last ? { last: had.last } : {}) });
  };
  const opts = { handleTimeoutMs: options.handleTimeoutMs };
  return {
    page,
    async waitForRun(filter: AfkRunFilter = {}): Promise<AfkRun> {
      const timeoutMs = filter.timeoutMs ?? options.runTimeoutMs;
      const deadlineMs = Date.now() + timeoutMs;
      const run = await callHandle<PageRun>(page, 'waitForRun', (left) => [{ ...filter, timeoutMs: left }], {
        ...opts,
        deadlineMs,
      }).catch(async (e: unknown) => {
        if (!(e instanceof AfkPageError) || e.code !== 'timeout') throw e;
        throw new AfkPageError('timeout', `${e.message}\n${await describePageRuns(page)}`, e.url, {
          cause: e,
        });
      });
      touch(run.runId, run);
      return toAfkRun(run);
    },
    async decide(approvalId: string, decision: ApprovalDecision): Promise<AfkDecision> {
      const d = await callHandle<AfkDecision>(page, 'decide', [approvalId, decision], opts);
      touch(d.runId);
      return d;
    },
    async evaluate(o: AfkEvaluateOptions): Promise<SuiteReport> {
      const cases = await casesOf(o.cases, page.url());
      const reporters = [...new Set([...(o.reporters ?? []), 'markdown' as const])];
      const report = await callHandle<SuiteReport>(page, 'evaluate', [{ ...o, cases, reporters }], {
        ...opts,
        deadlineMs: Date.now() + 10 * 60_000,
      });
      touched.reports.push(report);
      for (const c of report.cases) if (!c.passed && c.runId) touch(c.runId);
      return report;
    },
    async export(runId: string): Promise<RunExport> {
      touch(runId);
      return callHandle<RunExport>(page, 'export', [runId], opts);
    },
    runs(limit?: number): Promise<RunRecord[]> {
      return callHandle<RunRecord[]>(page, 'runs', limit === undefined ? [] : [limit], opts);
    },
    on(other: Page): AfkFixture {
      return createAfkFixture(other, options, touched);
    },
  };
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80);

/**
 * Attaches what the test touched to its report: each run's export as JSON (read from its page;
 * when the page cannot answer any more, the last waited snapshot, marked as such) and each eval
 * report's Markdown (and its JSON).
 */
export async function attachTouched(
  touched: Touched,
  testInfo: TestInfo,
  options: AfkFixtureOptions,
): Promise<void> {
  const runs = [...touched.runs.entries()].slice(-MAX_ATTACHED_RUNS);
  for (const [runId, { page, last }] of runs) {
    let body: unknown;
    try {
      if (page.isClosed()) throw new Error('the page is closed');
      body = await callHandle<RunExport>(page, 'export', [runId], {
        handleTimeoutMs: Math.min(options.handleTimeoutMs, 3_000),
        deadlineMs: Date.now() + 5_000,
      });
    } catch (e) {
      if (!last) continue;
      body = {
        format: 'afk-page-run',
        note: `export failed (${(e as Error).message}); the last waited run`,
        run: last,
      };
    }
    await testInfo.attach(`afk-run-${safeName(runId)}.json`, {
      body: JSON.stringify(body, null, 2),
      contentType: 'application/json',
    });
  }
  for (const [i, report] of touched.reports.entries()) {
    const base = `afk-eval-${safeName(report.name || String(i + 1))}`;
    if (report.outputs.markdown)
      await testInfo.attach(`${base}.md`, { body: report.outputs.markdown, contentType: 'text/markdown' });
    const { outputs: _outputs, ...json } = report;
    await testInfo.attach(`${base}.json`, {
      body: JSON.stringify(json, null, 2),
      contentType: 'application/json',
    });
  }
}
