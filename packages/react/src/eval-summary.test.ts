import type { CaseReport, SuiteReport, TrialReport } from 'afk/evals/models';
import { toStoredReport } from 'afk/evals/models';
import { describe, expect, it } from 'vitest';
import { parseSuiteReport } from './eval-report-import.js';
import { toSuiteRuns } from './eval-summary.js';

const usage = { inputTokens: 10, outputTokens: 5, totalTokens: 15, costUsd: 0.01 };
const zero = { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 };

function trial(n: number, passed: boolean): TrialReport {
  return {
    trial: n,
    status: passed ? 'passed' : 'failed',
    passed,
    state: 'completed',
    assertions: [{ name: 'has Paris', score: passed ? 1 : 0, passed, reason: passed ? 'found' : 'missing' }],
    budgetViolations: [],
    durationMs: 10 * n,
    usage,
    judgeUsage: zero,
    runId: `run-${n}`,
    finalText: passed ? 'Paris' : 'Lyon',
    counters: { steps: 2, llmCalls: 2, toolCalls: 1 },
  };
}

function kase(id: string, trials: TrialReport[]): CaseReport {
  const rep = trials.find((t) => !t.passed) ?? trials[trials.length - 1]!;
  return {
    id,
    tags: [],
    input: `where is ${id}?`,
    status: rep.status,
    passed: rep.passed,
    state: 'completed',
    assertions: rep.assertions,
    budgetViolations: rep.budgetViolations,
    durationMs: trials.reduce((s, t) => s + t.durationMs, 0),
    usage,
    judgeUsage: zero,
    runId: rep.runId!,
    finalText: rep.finalText!,
    trials,
  };
}

const report: SuiteReport = {
  version: 1,
  suiteId: 'capitals',
  name: 'capitals',
  startedAt: 1_000,
  durationMs: 50,
  passed: false,
  summary: { total: 2, passed: 1, failed: 1, errored: 0, skipped: 0, passRate: 0.5, trials: 3 },
  usage,
  judgeUsage: zero,
  budgetViolations: [],
  cases: [kase('once', [trial(1, true)]), kase('twice', [trial(1, true), trial(2, false)])],
  outputs: {},
};

describe('stored eval reports in the dashboard', () => {
  it('reads the compact stored form back as the whole report', () => {
    const stored = toStoredReport(report);
    expect((stored as { cases: Array<Record<string, unknown>> }).cases[0]).not.toHaveProperty('trials');
    const [run] = toSuiteRuns([{ suiteId: 'capitals', startedAt: 1_000, report: stored }]);
    expect(run!.report).toEqual(report);
    expect(run!.report.cases[0]!.trials).toHaveLength(1);
  });

  it('keeps a case whole when its one trial differs from it (nothing is lost)', () => {
    const odd = { ...report, cases: [{ ...report.cases[0]!, durationMs: 999 }] };
    const stored = toStoredReport(odd) as { cases: Array<Record<string, unknown>> };
    expect(stored.cases[0]!.trials).toHaveLength(1);
    expect(
      toSuiteRuns([{ suiteId: 'capitals', startedAt: 1_000, report: stored as never }])[0]!.report,
    ).toEqual(odd);
  });

  it('imports a report file in either form', () => {
    const whole = parseSuiteReport(JSON.stringify(report));
    const compact = parseSuiteReport(JSON.stringify(toStoredReport(report)));
    expect(whole.ok && compact.ok).toBe(true);
    if (whole.ok && compact.ok) expect(compact.report).toEqual(whole.report);
  });
});
