import type { ErrorInfo, RunState, UsageAggregate } from '../../events/records.js';
import type { JSONValue } from '../../internal/json.js';
import type { Message } from '../../llms/types.js';
import type { AssertionResult } from './assertion.js';

/** A case's `context` larger than this (JSON characters) is left out of its `CaseReport`. */
export const CASE_CONTEXT_MAX_CHARS = 4_096;

/** Version of the `SuiteReport` JSON; a report of another version is refused as a baseline. */
export const SUITE_REPORT_VERSION = 1;

/**
 * How a case or trial ended: `passed`; `failed` (its run ended failed/degraded/cancelled or in
 * a state the case does not expect, an assertion failed, or a budget was exceeded); `errored`
 * (the eval itself broke: the agent factory or the runner threw, or an assertion threw);
 * `skipped` (not run: fail-fast, or the suite's budget ran out).
 */
export type CaseStatus = 'passed' | 'failed' | 'errored' | 'skipped';

/** One trial (one run) of a case. */
export interface TrialReport {
  /** 1-based. */
  trial: number;
  status: CaseStatus;
  passed: boolean;
  /** The run's state; `undefined` when no run happened (errored before it, skipped). */
  state?: RunState;
  error?: ErrorInfo;
  assertions: AssertionResult[];
  budgetViolations: string[];
  durationMs: number;
  /** The run's usage plus what its judges spent. */
  usage: UsageAggregate;
  /** What judges spent (included in `usage`). */
  judgeUsage: UsageAggregate;
  runId?: string;
  finalText?: string;
  /** Steps, LLM calls and tool calls of the run. */
  counters?: { steps: number; llmCalls: number; toolCalls: number };
}

/**
 * With repeats: how much the trials agree. `agreement` is the share of trials with the majority
 * outcome (1 = all agree); `outputs` lists each distinct final text with how many trials gave it.
 */
export interface CaseStability {
  trials: number;
  passedTrials: number;
  majority: 'passed' | 'failed';
  agreement: number;
  outputs: Array<{ text: string; count: number }>;
}

/** Against a baseline report: what changed for this case. */
export type BaselineChange = 'regressed' | 'improved' | 'unchanged' | 'new';

/**
 * One case of a report. With one trial its fields are the trial's; with repeats `trials` holds
 * every trial, `durationMs` and `usage` are totals, and the other fields come from the first
 * trial that did not pass (else the last). A case passes when every trial passes.
 *
 * `input`, `expected` and `context` are the case's own (redacted with the runner's
 * `redactKeys`; `context` only when its JSON is at most `CASE_CONTEXT_MAX_CHARS`). They are
 * optional: reports written before they existed (same `version`) lack them and still load.
 */
export interface CaseReport {
  id: string;
  tags: string[];
  input?: string | Message[];
  expected?: JSONValue;
  context?: Record<string, JSONValue>;
  status: CaseStatus;
  passed: boolean;
  state?: RunState;
  error?: ErrorInfo;
  assertions: AssertionResult[];
  budgetViolations: string[];
  durationMs: number;
  usage: UsageAggregate;
  judgeUsage: UsageAggregate;
  runId?: string;
  finalText?: string;
  trials: TrialReport[];
  stability?: CaseStability;
  baseline?: BaselineChange;
}

/** Counts of a report. `passRate` is passed / (total − skipped), 0 for an empty suite. */
export interface SuiteSummary {
  total: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  passRate: number;
  trials: number;
}

/** A report compared with its baseline: case ids by change. */
export interface BaselineComparison {
  baselineSuiteId: string;
  baselineStartedAt: number;
  regressed: string[];
  improved: string[];
  unchanged: string[];
  new: string[];
}

/** Reporter names `runSuite` and `afk eval` render. */
export type ReporterName = 'json' | 'junit' | 'markdown' | 'html';

/**
 * The result of `runSuite`: versioned JSON, the source of truth (JUnit, Markdown and HTML are
 * projections of it); persisted to the store for the dashboard (without `outputs`). `passed` is
 * the verdict: pass rate ≥ `minPassRate` (default 1), no suite budget exceeded, and, with
 * `failOnRegression`, no regressed case.
 *
 * @example
 * const report = await runSuite({ cases, agent });
 * console.log(report.summary.passRate, report.cases.filter((c) => !c.passed).map((c) => c.id));
 */
export interface SuiteReport {
  version: typeof SUITE_REPORT_VERSION;
  suiteId: string;
  name: string;
  startedAt: number;
  durationMs: number;
  passed: boolean;
  summary: SuiteSummary;
  /** Totals over every trial, judge calls included. */
  usage: UsageAggregate;
  judgeUsage: UsageAggregate;
  /** Suite budget limits that were exceeded. */
  budgetViolations: string[];
  cases: CaseReport[];
  baseline?: BaselineComparison;
  /** Problems that did not stop the suite (e.g. the store refused the report). */
  warnings?: string[];
  /** The rendered text of each requested reporter. */
  outputs: Partial<Record<ReporterName, string>>;
}
