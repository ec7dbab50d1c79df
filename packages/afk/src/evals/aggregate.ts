import type { JSONValue } from '../internal/json.js';
import { DEFAULT_REDACT_KEYS, redact } from '../internal/redact.js';
import type { Message } from '../llms/types.js';
import type { EvalCase } from './models/case.js';
import {
  CASE_CONTEXT_MAX_CHARS,
  type CaseReport,
  type CaseStability,
  type SuiteSummary,
  type TrialReport,
} from './models/report.js';
import { addUsage, zeroUsage } from './usage.js';

/**
 * How much the trials agree: the share with the majority outcome (a tie counts as failed), and
 * each distinct final text with its count, most frequent first.
 */
export function stabilityOf(trials: readonly TrialReport[]): CaseStability {
  const passedTrials = trials.filter((t) => t.passed).length;
  const failedTrials = trials.length - passedTrials;
  const majority = passedTrials > failedTrials ? 'passed' : 'failed';
  const counts = new Map<string, number>();
  for (const t of trials) counts.set(t.finalText ?? '', (counts.get(t.finalText ?? '') ?? 0) + 1);
  return {
    trials: trials.length,
    passedTrials,
    majority,
    agreement: trials.length ? Math.max(passedTrials, failedTrials) / trials.length : 1,
    outputs: [...counts].map(([text, count]) => ({ text, count })).sort((a, b) => b.count - a.count),
  };
}

/**
 * What a report keeps of the case itself: its input, expected and (when small) context, redacted
 * like the run's own `run_started` event, so a drill-down shows them without the cases file.
 */
export function caseFields(
  c: EvalCase,
  redactKeys: readonly string[] = DEFAULT_REDACT_KEYS,
): Required<Pick<CaseReport, 'input'>> & Pick<CaseReport, 'expected' | 'context'> {
  const out: Required<Pick<CaseReport, 'input'>> & Pick<CaseReport, 'expected' | 'context'> = {
    input:
      typeof c.input === 'string'
        ? c.input
        : (redact(c.input as unknown as JSONValue, redactKeys) as unknown as Message[]),
  };
  if (c.expected !== undefined) out.expected = redact(c.expected, redactKeys);
  if (c.context !== undefined && Object.keys(c.context).length) {
    const context = redact(c.context, redactKeys) as Record<string, JSONValue>;
    if (JSON.stringify(context).length <= CASE_CONTEXT_MAX_CHARS) out.context = context;
  }
  return out;
}

/** A case that did not run (fail-fast, suite budget, aborted). */
export function skippedCase(c: EvalCase, redactKeys?: readonly string[]): CaseReport {
  return {
    id: c.id,
    tags: c.tags ?? [],
    ...caseFields(c, redactKeys),
    status: 'skipped',
    passed: false,
    assertions: [],
    budgetViolations: [],
    durationMs: 0,
    usage: zeroUsage(),
    judgeUsage: zeroUsage(),
    trials: [],
  };
}

/** A case from its trials: passes when every trial passes; fields from the first trial that did not. */
export function caseReport(c: EvalCase, trials: TrialReport[], redactKeys?: readonly string[]): CaseReport {
  if (!trials.length) return skippedCase(c, redactKeys);
  // One trial (the common case) needs no sorting or summing: the case's fields are the trial's.
  const sorted = trials.length === 1 ? trials : [...trials].sort((a, b) => a.trial - b.trial);
  const rep = sorted.find((t) => !t.passed) ?? (sorted[sorted.length - 1] as TrialReport);
  let status: CaseReport['status'] = 'passed';
  let usage = rep.usage;
  let judgeUsage = rep.judgeUsage;
  let durationMs = rep.durationMs;
  if (sorted.length > 1) {
    usage = zeroUsage();
    judgeUsage = zeroUsage();
    durationMs = 0;
    for (const t of sorted) {
      addUsage(usage, t.usage);
      addUsage(judgeUsage, t.judgeUsage);
      durationMs += t.durationMs;
    }
  }
  for (const t of sorted) {
    if (t.status === 'errored') {
      status = 'errored';
      break;
    }
    if (!t.passed) status = 'failed';
  }
  const fields = caseFields(c, redactKeys);
  const out: CaseReport = {
    id: c.id,
    tags: c.tags ?? [],
    input: fields.input,
    status,
    passed: status === 'passed',
    assertions: rep.assertions,
    budgetViolations: rep.budgetViolations,
    durationMs,
    // One trial: its own usage objects (a report is data; nothing mutates them after this).
    usage,
    judgeUsage,
    trials: sorted,
  };
  if (fields.expected !== undefined) out.expected = fields.expected;
  if (fields.context !== undefined) out.context = fields.context;
  if (rep.state !== undefined) out.state = rep.state;
  if (rep.error) out.error = rep.error;
  if (rep.runId !== undefined) out.runId = rep.runId;
  if (rep.finalText !== undefined) out.finalText = rep.finalText;
  if (sorted.length > 1) out.stability = stabilityOf(sorted);
  return out;
}

/** The counts of a report. */
export function summarise(cases: readonly CaseReport[]): SuiteSummary {
  const count = (s: CaseReport['status']) => cases.filter((c) => c.status === s).length;
  const skipped = count('skipped');
  const passed = count('passed');
  const ran = cases.length - skipped;
  return {
    total: cases.length,
    passed,
    failed: count('failed'),
    errored: count('errored'),
    skipped,
    passRate: ran ? passed / ran : 0,
    trials: cases.reduce((n, c) => n + c.trials.length, 0),
  };
}
