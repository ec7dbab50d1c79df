import { useState } from 'react';
import { CASE_GLYPH, EvalCaseDetail } from './EvalCaseDetail.js';
import { EvalImport, type ImportResult } from './EvalImport.js';
import { EvalTrend } from './EvalTrend.js';
import {
  caseScore,
  EVAL_FILTERS,
  type EvalFilter,
  evalMatrix,
  filterRows,
  regressionsOf,
  runsOfSuite,
  type SuiteRun,
  suiteRunStats,
} from './eval-summary.js';
import { formatCost, formatDuration } from './format.js';
import { useEvalRuns } from './use-eval-runs.js';

/** The dashboard's URL-worthy state: which suite run, which filter, which case is open. */
export interface EvalDashboardState {
  suiteRunId?: string;
  filter: EvalFilter;
  caseId?: string;
}

export interface EvalDashboardProps {
  /** Controlled state (e.g. from the URL); without `onNavigate` the dashboard keeps its own. */
  state?: EvalDashboardState;
  onNavigate?(next: EvalDashboardState): void;
  /** The link to a case's run timeline. Default: `#/runs/<runId>`. */
  runHref?(runId: string): string;
  /** How many of the suite's recent runs the matrix shows. Default 6. */
  columns?: number;
}

const defaultHref = (runId: string) => `#/runs/${encodeURIComponent(runId)}`;
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const when = (t: number) => new Date(t).toLocaleString();

/**
 * The eval dashboard: suite runs with pass rate, mean score, cost and p50/p95 latency; a case ×
 * run matrix with filters (all, failures, errors, changed); a case drill-down linked to its run
 * timeline; regressions against the baseline (or the previous run); a pass-rate trend; and an
 * import of a JSON report from CI. Live over the store.
 *
 * @example
 * <AfkProvider store={store}><EvalDashboard /></AfkProvider>
 */
export function EvalDashboard({ state, onNavigate, runHref = defaultHref, columns = 6 }: EvalDashboardProps) {
  const runs = useEvalRuns();
  const [own, setOwn] = useState<EvalDashboardState>({ filter: 'all' });
  const [imported, setImported] = useState<ImportResult>();
  const nav = onNavigate && state ? state : own;
  const go = (next: EvalDashboardState) => (onNavigate ? onNavigate(next) : setOwn(next));

  if (runs.status === 'loading') return <p className="afk-eval-muted">Loading eval runs…</p>;
  if (runs.status === 'error')
    return (
      <p role="alert" className="afk-eval-error">
        Could not read eval runs: {runs.error.message}
      </p>
    );
  const all = runs.data;
  const importer = (
    <EvalImport
      result={imported}
      setResult={setImported}
      onImported={(id) => {
        runs.refresh();
        go({ suiteRunId: id, filter: 'all' });
      }}
    />
  );
  if (all.length === 0)
    return (
      <div className="afk-eval" data-testid="eval-dashboard">
        <p className="afk-eval-empty" data-testid="eval-empty">
          No eval suites yet — run <code>afk eval suite.ts --devtools URL</code>, or import a JSON report.
        </p>
        {importer}
      </div>
    );

  const current: SuiteRun = all.find((r) => r.id === nav.suiteRunId) ?? (all[0] as SuiteRun);
  const history = runsOfSuite(all, current.suiteId);
  const upTo = history.filter((r) => r.startedAt <= current.startedAt);
  const matrix = evalMatrix(upTo, columns);
  const at = matrix.runs.length - 1;
  const rows = filterRows(matrix.rows, nav.filter, at);
  const stats = suiteRunStats(current.report);
  const reg = regressionsOf(current, history);
  const runNo = (r: SuiteRun) => history.length - history.indexOf(r);
  // `all` is newest first: each suite's newest run.
  const suites = [...new Map([...all].reverse().map((r) => [r.suiteId, r])).values()].reverse();
  const open = nav.caseId ? current.report.cases.find((c) => c.id === nav.caseId) : undefined;

  return (
    <div className="afk-eval" data-testid="eval-dashboard">
      <nav className="afk-eval-suites" aria-label="Eval suites">
        {suites.map((s) => (
          <button
            type="button"
            className="afk-btn"
            key={s.suiteId}
            title={s.report.name}
            aria-current={s.suiteId === current.suiteId ? 'true' : undefined}
            onClick={() => go({ suiteRunId: s.id, filter: nav.filter })}
          >
            <span className={`afk-eval-status ${s.report.passed ? 'passed' : 'failed'}`} aria-hidden="true">
              {s.report.passed ? '✓' : '✗'}
            </span>
            <span className="afk-eval-suite-name">{s.report.name}</span>
            <span className="afk-eval-muted">{pct(s.report.summary.passRate)}</span>
          </button>
        ))}
        {importer}
      </nav>
      <div className="afk-eval-main">
        <header className="afk-eval-header" data-testid="eval-header">
          <h3>
            suite “{current.report.name}” · run {runNo(current)}
          </h3>
          <span
            className={`afk-eval-rate ${current.report.passed ? 'passed' : 'failed'}`}
            data-testid="eval-pass-rate"
          >
            {pct(stats.passRate)} ({stats.passed}/{stats.ran})
          </span>
          {reg.against && (
            <span
              className={`afk-eval-reg ${reg.regressed.length ? 'failed' : 'passed'}`}
              data-testid="eval-regressions"
            >
              {reg.regressed.length ? '▲' : '='} {reg.regressed.length} regression
              {reg.regressed.length === 1 ? '' : 's'} vs{' '}
              {reg.against === 'baseline' ? 'baseline' : 'previous run'}
            </span>
          )}
          <span>score {stats.meanScore === undefined ? '—' : stats.meanScore.toFixed(2)}</span>
          <span>{formatCost(stats.costUsd)}</span>
          <span>
            p50 {formatDuration(stats.p50Ms)} · p95 {formatDuration(stats.p95Ms)}
          </span>
          <span className="afk-eval-muted">{when(current.startedAt)}</span>
        </header>
        {current.report.budgetViolations.length > 0 && (
          <p className="afk-eval-error">
            Suite budget exceeded: {current.report.budgetViolations.join('; ')}
          </p>
        )}
        <div className="afk-eval-toolbar">
          <fieldset aria-label="Filter cases" className="afk-eval-filters">
            {EVAL_FILTERS.map((f) => (
              <button
                type="button"
                className="afk-btn"
                key={f}
                aria-pressed={nav.filter === f}
                data-testid={`eval-filter-${f}`}
                onClick={() => go({ ...nav, suiteRunId: current.id, filter: f })}
              >
                {f}
              </button>
            ))}
          </fieldset>
          <EvalTrend runs={history} />
        </div>
        <div className="afk-eval-body">
          <div className="afk-eval-matrix-wrap">
            <table className="afk-eval-matrix" data-testid="eval-matrix">
              <thead>
                <tr>
                  <th scope="col" className="afk-eval-col">
                    case
                  </th>
                  {matrix.runs.map((r) => (
                    <th
                      scope="col"
                      className="afk-eval-col"
                      key={r.id}
                      aria-current={r.id === current.id ? 'true' : undefined}
                    >
                      <button
                        type="button"
                        className="afk-eval-col-btn"
                        title={when(r.startedAt)}
                        onClick={() => go({ ...nav, suiteRunId: r.id })}
                      >
                        run {runNo(r)}
                      </button>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.caseId} data-testid={`eval-row-${row.caseId}`}>
                    <th scope="row" className="afk-eval-rowhead">
                      {row.caseId}
                    </th>
                    {row.cells.map((c, i) => {
                      const run = matrix.runs[i] as SuiteRun;
                      const change = row.changes[i];
                      if (!c)
                        return (
                          <td key={run.id} className="afk-eval-cell none">
                            —
                          </td>
                        );
                      const score = caseScore(c);
                      const selected = run.id === current.id && nav.caseId === row.caseId;
                      return (
                        <td
                          key={run.id}
                          className={`afk-eval-cell ${c.status}${selected ? ' selected' : ''}`}
                        >
                          <button
                            type="button"
                            className="afk-eval-cell-btn"
                            aria-label={`${row.caseId} run ${runNo(run)}: ${c.status}${change ? `, ${change}` : ''}`}
                            aria-pressed={selected}
                            onClick={() => go({ suiteRunId: run.id, filter: nav.filter, caseId: row.caseId })}
                          >
                            <span className={`afk-eval-status ${c.status}`} aria-hidden="true">
                              {CASE_GLYPH[c.status]}
                            </span>
                            {score !== undefined && <span className="num"> {score.toFixed(1)}</span>}
                            {change === 'regressed' && (
                              <span className="afk-eval-change regressed"> regressed</span>
                            )}
                            {change === 'improved' && (
                              <span className="afk-eval-change improved"> fixed</span>
                            )}
                          </button>
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
            {rows.length === 0 && (
              <p className="afk-eval-muted" data-testid="eval-no-rows">
                No cases match “{nav.filter}” in run {runNo(current)}.
              </p>
            )}
          </div>
          {open ? (
            <EvalCaseDetail
              report={open}
              runHref={runHref}
              onClose={() => go({ suiteRunId: current.id, filter: nav.filter })}
            />
          ) : (
            rows.length > 0 && (
              <p className="afk-eval-detail afk-eval-detail-hint" data-testid="eval-case-hint">
                Pick a cell to open that case: its input, output, assertions and run.
              </p>
            )
          )}
        </div>
      </div>
    </div>
  );
}
