import type { CaseReport } from 'afk/evals/models';
import type { ReactNode } from 'react';
import { caseScore } from './eval-summary.js';
import { formatCost, formatDuration } from './format.js';

export const CASE_GLYPH: Record<CaseReport['status'], string> = {
  passed: '✓',
  failed: '✗',
  errored: '!',
  skipped: '⊘',
};

function show(v: unknown): string {
  if (v === undefined) return '';
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="afk-eval-field" data-testid={`eval-case-${label}`}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/**
 * One case of one suite run: input, context and expected (when the report carries them), output, every
 * assertion's score and reason, budget violations, the link to the case's run timeline and,
 * with repeats, the distinct outputs with their counts and the stability.
 */
export function EvalCaseDetail({
  report,
  runHref,
  onClose,
}: {
  report: CaseReport;
  runHref(runId: string): string;
  onClose(): void;
}) {
  // Reports written before `input`/`expected`/`context` were recorded (same version) lack them.
  const extra = report;
  const score = caseScore(report);
  const st = report.stability;
  return (
    <section className="afk-eval-detail" aria-label={`case ${report.id}`} data-testid="eval-case-detail">
      <header>
        <h3>
          <span className={`afk-eval-status ${report.status}`} aria-hidden="true">
            {CASE_GLYPH[report.status]}
          </span>{' '}
          {report.id} <span className="afk-eval-muted">{report.status}</span>
        </h3>
        <button
          type="button"
          className="afk-btn afk-btn-ghost afk-eval-close"
          onClick={onClose}
          aria-label="Close case"
        >
          ×
        </button>
      </header>
      <dl>
        {extra.input !== undefined && (
          <Field label="input">
            <pre>{show(extra.input)}</pre>
          </Field>
        )}
        {extra.context !== undefined && (
          <Field label="context">
            <pre>{show(extra.context)}</pre>
          </Field>
        )}
        {extra.expected !== undefined && (
          <Field label="expected">
            <pre>{show(extra.expected)}</pre>
          </Field>
        )}
        <Field label="output">
          {report.finalText !== undefined ? (
            <pre>{report.finalText}</pre>
          ) : (
            <span className="afk-eval-muted">none</span>
          )}
        </Field>
        {report.error && (
          <Field label="error">
            <pre className="afk-eval-error">
              {report.error.code ? `${report.error.code}: ` : ''}
              {report.error.message}
            </pre>
          </Field>
        )}
        <Field label="run">
          {report.runId ? (
            <a href={runHref(report.runId)} data-testid="eval-case-run-link">
              {report.state ?? 'run'} · open timeline →
            </a>
          ) : (
            <span className="afk-eval-muted">no run</span>
          )}
          <span className="afk-eval-muted">
            {' '}
            · {formatDuration(report.durationMs)} · {formatCost(report.usage?.costUsd)}
            {score !== undefined ? ` · score ${score.toFixed(2)}` : ''}
          </span>
        </Field>
      </dl>
      <h4>Assertions</h4>
      {report.assertions.length === 0 ? (
        <p className="afk-eval-muted">No assertions.</p>
      ) : (
        <table className="afk-eval-assertions" data-testid="eval-assertions">
          <thead>
            <tr>
              <th scope="col">assertion</th>
              <th scope="col">score</th>
              <th scope="col">reason</th>
            </tr>
          </thead>
          <tbody>
            {report.assertions.map((a, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: assertions keep their order; names may repeat
              <tr key={i} className={a.passed ? 'passed' : 'failed'}>
                <td>
                  <span className={`afk-eval-status ${a.passed ? 'passed' : 'failed'}`} aria-hidden="true">
                    {a.passed ? '✓' : '✗'}
                  </span>{' '}
                  {a.name}
                </td>
                <td className="num">{a.score.toFixed(2)}</td>
                <td>{a.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report.budgetViolations.length > 0 && (
        <>
          <h4>Budget violations</h4>
          <ul className="afk-eval-violations" data-testid="eval-budget-violations">
            {report.budgetViolations.map((v) => (
              <li key={v}>{v}</li>
            ))}
          </ul>
        </>
      )}
      {st && st.trials > 1 && (
        <>
          <h4>
            Repeats · {st.passedTrials}/{st.trials} passed · stability {Math.round(st.agreement * 100)}%
          </h4>
          <table className="afk-eval-assertions" data-testid="eval-repeats">
            <thead>
              <tr>
                <th scope="col">count</th>
                <th scope="col">distinct output</th>
              </tr>
            </thead>
            <tbody>
              {st.outputs.map((o) => (
                <tr key={o.text}>
                  <td className="num">×{o.count}</td>
                  <td>
                    <pre>{o.text}</pre>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <ul className="afk-eval-trials">
            {report.trials.map((t) => (
              <li key={t.trial}>
                <span className={`afk-eval-status ${t.status}`} aria-hidden="true">
                  {CASE_GLYPH[t.status]}
                </span>{' '}
                trial {t.trial} {t.status}
                {t.runId && (
                  <>
                    {' '}
                    · <a href={runHref(t.runId)}>timeline</a>
                  </>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
