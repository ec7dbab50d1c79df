import {
  type CaseReport,
  type CaseStatus,
  expandStoredReport,
  type SuiteReport,
  type TrialReport,
} from 'afk/evals/models';
import type { EvalReportRecord } from 'afk/memory';

/**
 * Framework-neutral view logic of the eval dashboard: suite runs from the store's eval reports,
 * their summary numbers (pass rate, mean score, cost, p50/p95 latency), the case × run matrix of
 * one suite and "changed" detection between consecutive runs. No React here.
 */

/** One stored suite run: a `SuiteReport` with the id the dashboard routes by. */
export interface SuiteRun {
  /** `<suiteId>@<startedAt>` (see {@link suiteRunId}). */
  id: string;
  suiteId: string;
  startedAt: number;
  report: SuiteReport;
}

/** The id of a suite run in URLs: `<suiteId>@<startedAt>`. */
export function suiteRunId(suiteId: string, startedAt: number): string {
  return `${suiteId}@${startedAt}`;
}

/** Stored records as suite runs, newest first; records that are not reports are skipped. */
export function toSuiteRuns(records: EvalReportRecord[]): SuiteRun[] {
  const out: SuiteRun[] = [];
  for (const r of records) {
    const rep = r.report as unknown as SuiteReport | null;
    if (!rep || typeof rep !== 'object' || !Array.isArray(rep.cases) || !rep.summary) continue;
    out.push({
      id: suiteRunId(r.suiteId, r.startedAt),
      suiteId: r.suiteId,
      startedAt: r.startedAt,
      // `runSuite` saves single-trial cases without their repeated trial; give it back.
      report: expandStoredReport(rep),
    });
  }
  return out.sort((a, b) => b.startedAt - a.startedAt);
}

/** The `p`-th percentile (0–100, nearest rank) of `values`; `undefined` for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Mean of a case's assertion scores (every trial's); `undefined` without assertions. */
export function caseScore(c: CaseReport): number | undefined {
  let scores = trialsOf(c).flatMap((t) => t.assertions.map((a) => a.score));
  if (scores.length === 0) scores = c.assertions.map((a) => a.score);
  if (scores.length === 0) return undefined;
  return scores.reduce((s, x) => s + x, 0) / scores.length;
}

function trialsOf(c: CaseReport): Array<Pick<TrialReport, 'assertions' | 'durationMs'>> {
  return c.trials && c.trials.length > 0 ? c.trials : [c];
}

/** The numbers of a suite run's header. */
export interface SuiteRunStats {
  passed: number;
  /** Cases that ran (total − skipped). */
  ran: number;
  passRate: number;
  failed: number;
  errored: number;
  meanScore: number | undefined;
  costUsd: number;
  /** Over every trial's duration. */
  p50Ms: number | undefined;
  p95Ms: number | undefined;
}

/** Summary numbers of one report. */
export function suiteRunStats(report: SuiteReport): SuiteRunStats {
  const s = report.summary;
  const scores = report.cases.map(caseScore).filter((x): x is number => x !== undefined);
  const durations = report.cases
    .filter((c) => c.status !== 'skipped')
    .flatMap((c) => trialsOf(c).map((t) => t.durationMs));
  return {
    passed: s.passed,
    ran: s.total - s.skipped,
    passRate: s.passRate,
    failed: s.failed,
    errored: s.errored,
    meanScore: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : undefined,
    costUsd: report.usage?.costUsd ?? 0,
    p50Ms: percentile(durations, 50),
    p95Ms: percentile(durations, 95),
  };
}

/** How a case moved between two runs: pass → not pass is `regressed`, the other way `improved`. */
export type CellChange = 'regressed' | 'improved' | 'changed' | undefined;

/** The change of a case from `before` to `after` (`changed`: same verdict, other status). */
export function cellChange(before: CaseReport | undefined, after: CaseReport | undefined): CellChange {
  if (!before || !after) return undefined;
  if (before.passed && !after.passed) return 'regressed';
  if (!before.passed && after.passed) return 'improved';
  return before.status === after.status ? undefined : 'changed';
}

/** One row of the matrix: a case and its report in each column (`undefined`: not in that run). */
export interface MatrixRow {
  caseId: string;
  cells: Array<CaseReport | undefined>;
  /** Per column, the change from the column before (the first column has none). */
  changes: CellChange[];
}

/** The case × run matrix of one suite; columns oldest → newest, rows in the newest run's order. */
export interface EvalMatrix {
  runs: SuiteRun[];
  rows: MatrixRow[];
}

/**
 * The matrix for `runs` (one suite's runs, any order): the last `columns` of them, oldest first.
 *
 * @example
 * const m = evalMatrix(runsOfSuite(all, 'capitals'), 5);
 */
export function evalMatrix(runs: readonly SuiteRun[], columns = 6): EvalMatrix {
  const cols = [...runs].sort((a, b) => a.startedAt - b.startedAt).slice(-Math.max(1, columns));
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const run of [...cols].reverse()) {
    for (const c of run.report.cases) {
      if (!seen.has(c.id)) {
        seen.add(c.id);
        ids.push(c.id);
      }
    }
  }
  const byRun = cols.map((r) => new Map(r.report.cases.map((c) => [c.id, c])));
  const rows = ids.map((caseId) => {
    const cells = byRun.map((m) => m.get(caseId));
    const changes = cells.map((c, i) => (i === 0 ? undefined : cellChange(cells[i - 1], c)));
    return { caseId, cells, changes };
  });
  return { runs: cols, rows };
}

/** The matrix filters kept in the URL (`?filter=`). */
export type EvalFilter = 'all' | 'failures' | 'errors' | 'changed';
export const EVAL_FILTERS: readonly EvalFilter[] = ['all', 'failures', 'errors', 'changed'];

/** `?filter=` as a filter (anything else is `all`). */
export function parseEvalFilter(v: string | undefined): EvalFilter {
  return (EVAL_FILTERS as readonly string[]).includes(v ?? '') ? (v as EvalFilter) : 'all';
}

/**
 * The rows a filter keeps, judged at column `at` (default the newest): `failures` — the case
 * failed there; `errors` — it errored; `changed` — its status differs from the column before.
 */
export function filterRows(rows: readonly MatrixRow[], filter: EvalFilter, at?: number): MatrixRow[] {
  if (filter === 'all') return [...rows];
  return rows.filter((r) => {
    const i = at ?? r.cells.length - 1;
    const status: CaseStatus | undefined = r.cells[i]?.status;
    if (filter === 'failures') return status === 'failed';
    if (filter === 'errors') return status === 'errored';
    return r.changes[i] !== undefined;
  });
}

/** The runs of one suite among `runs`, newest first. */
export function runsOfSuite(runs: readonly SuiteRun[], suiteId: string): SuiteRun[] {
  return runs.filter((r) => r.suiteId === suiteId).sort((a, b) => b.startedAt - a.startedAt);
}

/**
 * Regressions of a run: its report's own baseline comparison when it has one, else against the
 * suite's previous run in `history` (newest first). `against` names what was compared.
 */
export function regressionsOf(
  run: SuiteRun,
  history: readonly SuiteRun[],
): { regressed: string[]; against: 'baseline' | 'previous' | undefined; againstAt?: number } {
  const b = run.report.baseline;
  if (b) return { regressed: b.regressed, against: 'baseline', againstAt: b.baselineStartedAt };
  const prev = history.find((r) => r.startedAt < run.startedAt);
  if (!prev) return { regressed: [], against: undefined };
  const before = new Map(prev.report.cases.map((c) => [c.id, c]));
  const regressed = run.report.cases
    .filter((c) => cellChange(before.get(c.id), c) === 'regressed')
    .map((c) => c.id);
  return { regressed, against: 'previous', againstAt: prev.startedAt };
}
