import type { ExpectMatcherState, MatcherReturnType } from '@playwright/test';
import type { AgentResult } from 'afk/core';
import type { PageRun, SuiteReport } from 'afk/evals';
import { completed, type ToolArgsMatch, toolCalled, toolSequence } from 'afk/evals';
import { assertionContext, describeCalls, describeRun, isPageRun, toolCallsOf } from './run-view.js';

type Result = MatcherReturnType;

const notARun = (name: string, received: unknown): Result => ({
  name,
  pass: false,
  message: () =>
    `expect(run).${name}: expected a run from afk.waitForRun(), got ${received === null ? 'null' : typeof received}`,
});

/** The waited run's result, or a stand-in carrying its status when it has none yet. */
const resultOf = (run: PageRun): AgentResult =>
  run.result ??
  ({ runId: run.runId, threadId: run.threadId, state: run.status, finalText: '' } as AgentResult);

function hint(state: ExpectMatcherState, name: string, args: string): string {
  return `expect(run)${state.isNot ? '.not' : ''}.${name}(${args})`;
}

/** Passes when the waited run completed; the message says how it ended and what it called. */
async function toHaveCompleted(this: ExpectMatcherState, run: unknown): Promise<Result> {
  const name = 'toHaveCompleted';
  if (!isPageRun(run)) return notARun(name, run);
  const v = await completed().evaluate(assertionContext(run, resultOf(run)));
  return {
    name,
    pass: v.passed,
    expected: 'completed',
    actual: run.status,
    message: () =>
      `${hint(this, name, '')}\n\n${this.isNot ? 'Expected the run not to complete' : `Expected ${describeRun(run)} to complete`}: ${v.reason}\n` +
      `Tool calls, in order:\n${describeCalls(toolCallsOf(run))}` +
      (run.result?.finalText ? `\nFinal text: ${JSON.stringify(run.result.finalText)}` : ''),
  };
}

/**
 * Passes when the run called the tool (with these args: equal, or with `{ partial: true }` a
 * subset) — afk/evals' `toolCalled`. The message lists every tool call with its args.
 */
async function toHaveCalledTool(
  this: ExpectMatcherState,
  run: unknown,
  tool: string,
  args?: unknown,
  opts: ToolArgsMatch = {},
): Promise<Result> {
  const name = 'toHaveCalledTool';
  if (!isPageRun(run)) return notARun(name, run);
  const v = await toolCalled(tool, args, opts).evaluate(assertionContext(run, resultOf(run)));
  const wanted =
    `${tool}` +
    (args === undefined ? '' : ` with ${opts.partial ? 'at least ' : ''}${JSON.stringify(args)}`) +
    (opts.times === undefined ? '' : `, exactly ${opts.times} time(s)`);
  return {
    name,
    pass: v.passed,
    expected: { tool, args, ...opts },
    actual: toolCallsOf(run).map((c) => ({ name: c.name, args: c.args })),
    message: () =>
      `${hint(this, name, JSON.stringify(tool) + (args === undefined ? '' : `, ${JSON.stringify(args)}`))}\n\n` +
      `Expected ${describeRun(run)} ${this.isNot ? 'not ' : ''}to call ${wanted}\n` +
      `Received: ${v.reason}\n` +
      `Tool calls, in order:\n${describeCalls(toolCallsOf(run))}`,
  };
}

/**
 * Passes when the tool calls follow `names` — `in_order` (default): in that order, others
 * between allowed; `exact`: exactly that list — afk/evals' `toolSequence`.
 */
async function toHaveToolSequence(
  this: ExpectMatcherState,
  run: unknown,
  names: string[],
  opts: { mode?: 'in_order' | 'exact' } = {},
): Promise<Result> {
  const name = 'toHaveToolSequence';
  if (!isPageRun(run)) return notARun(name, run);
  const v = await toolSequence(names, opts).evaluate(assertionContext(run, resultOf(run)));
  const calls = toolCallsOf(run);
  return {
    name,
    pass: v.passed,
    expected: names,
    actual: calls.map((c) => c.name),
    message: () =>
      `${hint(this, name, `${JSON.stringify(names)}, { mode: '${opts.mode ?? 'in_order'}' }`)}\n\n` +
      `Expected ${describeRun(run)} ${this.isNot ? 'not ' : ''}to call [${names.join(', ')}] ` +
      `${(opts.mode ?? 'in_order') === 'exact' ? 'exactly' : 'in that order'}\n` +
      `Received: ${v.reason}\n` +
      `Tool calls, in order:\n${describeCalls(calls)}`,
  };
}

const pct = (n: number) => `${Math.round(n * 1000) / 10}%`;

/** The failed cases of a report, each with why: its state, error, failed assertions, budget. */
export function describeFailures(report: SuiteReport): string {
  const bad = report.cases.filter((c) => !c.passed && c.status !== 'skipped');
  if (!bad.length) return '  (no failed cases)';
  return bad
    .map((c) => {
      const lines = [
        `  - ${c.id}: ${c.status}${c.state ? `, run ${c.state}` : ''}${c.runId ? ` (${c.runId})` : ''}`,
      ];
      if (c.error) lines.push(`      error: ${c.error.code}: ${c.error.message}`);
      for (const a of c.assertions) if (!a.passed) lines.push(`      ✗ ${a.name}: ${a.reason}`);
      for (const b of c.budgetViolations) lines.push(`      over budget: ${b}`);
      if (c.finalText) lines.push(`      final text: ${JSON.stringify(c.finalText.slice(0, 200))}`);
      return lines.join('\n');
    })
    .join('\n');
}

/**
 * Passes when the suite's pass rate is at least `minPassRate` (default 1: every case) and its
 * budget held. The message names each failed case and why.
 */
function toPassEvals(this: ExpectMatcherState, report: unknown, opts: { minPassRate?: number } = {}): Result {
  const name = 'toPassEvals';
  const r = report as Partial<SuiteReport> | null;
  if (typeof r !== 'object' || r === null || !Array.isArray(r.cases) || r.summary === undefined) {
    return {
      name,
      pass: false,
      message: () =>
        `expect(report).toPassEvals: expected a SuiteReport from afk.evaluate(), got ${typeof report}`,
    };
  }
  const rep = r as SuiteReport;
  const min = opts.minPassRate ?? 1;
  const s = rep.summary;
  const pass = s.passRate >= min && rep.budgetViolations.length === 0;
  return {
    name,
    pass,
    expected: `pass rate ≥ ${min}`,
    actual: s.passRate,
    message: () =>
      `expect(report)${this.isNot ? '.not' : ''}.toPassEvals({ minPassRate: ${min} })\n\n` +
      `Suite "${rep.name}": pass rate ${pct(s.passRate)} (${s.passed} of ${s.total - s.skipped} passed` +
      `${s.errored ? `, ${s.errored} errored` : ''}${s.skipped ? `, ${s.skipped} skipped` : ''}), ` +
      `${this.isNot ? 'expected below' : 'needs at least'} ${pct(min)}` +
      (rep.budgetViolations.length ? `\nSuite over budget: ${rep.budgetViolations.join('; ')}` : '') +
      `\nFailed cases:\n${describeFailures(rep)}`,
  };
}

/** The matchers `expect` is extended with. */
export const afkMatchers = { toHaveCompleted, toHaveCalledTool, toHaveToolSequence, toPassEvals };
