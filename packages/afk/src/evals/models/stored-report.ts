import type { JSONValue } from '../../internal/json.js';
import type { CaseReport, SuiteReport, TrialReport } from './report.js';

/**
 * A case as the store keeps it. A case with exactly one trial already carries that trial's
 * fields (see `CaseReport`), so the store keeps them once: `trials` is left out and the trial's
 * `counters` sit on the case. Cases with repeats, and skipped cases (`trials: []`), are kept whole.
 */
export type StoredCaseReport = CaseReport | CompactCase;

/** A single-trial case without its `trials`, the trial's `counters` on the case. */
export type CompactCase = Omit<CaseReport, 'trials'> & { counters?: TrialReport['counters'] };

/** A `SuiteReport` as `runSuite` saves it to the store (without `outputs`; single-trial cases compact). */
export type StoredSuiteReport = Omit<SuiteReport, 'outputs' | 'cases'> & { cases: StoredCaseReport[] };

/** The fields a trial shares with its case: a single-trial case's are that trial's. */
const TRIAL_FIELDS = [
  'status',
  'passed',
  'state',
  'error',
  'assertions',
  'budgetViolations',
  'durationMs',
  'usage',
  'judgeUsage',
  'runId',
  'finalText',
] as const satisfies ReadonlyArray<keyof TrialReport & keyof CaseReport>;

/** Compact only when nothing is lost: the one trial's fields are the case's own (as `runSuite` builds them). */
function compactCase(c: CaseReport): StoredCaseReport {
  const t = c.trials.length === 1 ? (c.trials[0] as TrialReport) : undefined;
  if (t?.trial !== 1) return c;
  for (const k of TRIAL_FIELDS) if (c[k] !== t[k]) return c;
  const out: Record<string, unknown> = {};
  for (const k in c) if (k !== 'trials') out[k] = c[k as keyof CaseReport];
  if (t.counters !== undefined) out.counters = t.counters;
  return out as CompactCase;
}

/**
 * The form of `report` that `runSuite` saves: single-trial cases without their repeated trial
 * (half the size of a typical report, which is most of the cost of saving it). A case is kept
 * whole unless its trial's fields are the case's own (always so in `runSuite`'s reports), so
 * nothing is lost whatever report it is given.
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
function trialOf(c: CompactCase): TrialReport {
  const t: Record<string, unknown> = { trial: 1 };
  for (const k of TRIAL_FIELDS) if (c[k] !== undefined) t[k] = c[k];
  if (c.counters !== undefined) t.counters = c.counters;
  return t as unknown as TrialReport;
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
          return { ...rest, trials: [trialOf(c as CompactCase)] } as CaseReport;
        })
      : (cases as CaseReport[]),
  };
}
