import type { JSONValue } from '../../internal/json.js';
import type { CaseReport, SuiteReport, TrialReport } from './report.js';

/**
 * A case as the store keeps it. A case with exactly one trial already carries that trial's
 * fields (see `CaseReport`), so the store keeps them once: `trials` is left out and the trial's
 * `counters` sit on the case. Cases with repeats, and skipped cases (`trials: []`), are kept whole.
 */
export type StoredCaseReport =
  | CaseReport
  | (Omit<CaseReport, 'trials'> & { counters?: TrialReport['counters'] });

/** A `SuiteReport` as `runSuite` saves it to the store (without `outputs`; single-trial cases compact). */
export type StoredSuiteReport = Omit<SuiteReport, 'outputs' | 'cases'> & { cases: StoredCaseReport[] };

function compactCase(c: CaseReport): StoredCaseReport {
  if (c.trials.length !== 1) return c;
  // Field by field, not a rest spread: V8's rest copy is several times slower, 1,000 times over.
  const out: Omit<CaseReport, 'trials'> & { counters?: TrialReport['counters'] } = {
    id: c.id,
    tags: c.tags,
    status: c.status,
    passed: c.passed,
    assertions: c.assertions,
    budgetViolations: c.budgetViolations,
    durationMs: c.durationMs,
    usage: c.usage,
    judgeUsage: c.judgeUsage,
  };
  if (c.input !== undefined) out.input = c.input;
  if (c.expected !== undefined) out.expected = c.expected;
  if (c.context !== undefined) out.context = c.context;
  if (c.state !== undefined) out.state = c.state;
  if (c.error !== undefined) out.error = c.error;
  if (c.runId !== undefined) out.runId = c.runId;
  if (c.finalText !== undefined) out.finalText = c.finalText;
  if (c.stability !== undefined) out.stability = c.stability;
  if (c.baseline !== undefined) out.baseline = c.baseline;
  const counters = (c.trials[0] as TrialReport).counters;
  if (counters !== undefined) out.counters = counters;
  return out;
}

/**
 * The form of `report` that `runSuite` saves: single-trial cases without their repeated trial
 * (half the size of a typical report, which is most of the cost of saving it).
 * `expandStoredReport` gives the full shape back.
 *
 * @example
 * await store.putEvalReport({ suiteId: r.suiteId, startedAt: r.startedAt, report: toStoredReport(r) });
 */
export function toStoredReport(report: SuiteReport): JSONValue {
  const { outputs: _outputs, cases, ...rest } = report;
  const stored: StoredSuiteReport = { ...rest, cases: cases.map(compactCase) };
  // JSON-safe by construction (strings, finite numbers, validated case JSON, assertion results
  // made reportable in the trial); every store copies on write.
  return stored as unknown as JSONValue;
}

/** The single trial of a stored compact case, rebuilt from the case's own fields. */
function trialOf(c: Omit<CaseReport, 'trials'> & { counters?: TrialReport['counters'] }): TrialReport {
  const t: TrialReport = {
    trial: 1,
    status: c.status,
    passed: c.passed,
    assertions: c.assertions,
    budgetViolations: c.budgetViolations,
    durationMs: c.durationMs,
    usage: c.usage,
    judgeUsage: c.judgeUsage,
  };
  if (c.state !== undefined) t.state = c.state;
  if (c.error !== undefined) t.error = c.error;
  if (c.runId !== undefined) t.runId = c.runId;
  if (c.finalText !== undefined) t.finalText = c.finalText;
  if (c.counters !== undefined) t.counters = c.counters;
  return t;
}

/**
 * A report read from the store (or any JSON report) in the full `SuiteReport` shape: a case
 * saved without `trials` gets its one trial back. Reports written whole pass through unchanged;
 * the value is not otherwise validated (the dashboard's import does that for files).
 *
 * @example
 * const [latest] = await store.listEvalReports(1);
 * const report = expandStoredReport(latest.report);
 * console.log(report.cases[0].trials.length); // 1
 */
export function expandStoredReport(value: JSONValue | StoredSuiteReport | SuiteReport): SuiteReport {
  const r = value as unknown as StoredSuiteReport & { outputs?: SuiteReport['outputs'] };
  const cases = Array.isArray(r.cases) ? r.cases : [];
  let compact = false;
  for (const c of cases) if (!Array.isArray((c as CaseReport).trials)) compact = true;
  if (!compact && r.outputs) return r as SuiteReport;
  return {
    ...r,
    outputs: r.outputs ?? {},
    cases: compact
      ? cases.map((c) => {
          if (Array.isArray((c as CaseReport).trials)) return c as CaseReport;
          const { counters: _counters, ...rest } = c as StoredCaseReport & { counters?: unknown };
          return { ...rest, trials: [trialOf(c as Omit<CaseReport, 'trials'>)] } as CaseReport;
        })
      : (cases as CaseReport[]),
  };
}
