import type { SuiteRunState } from './suite-run';
import './suite-progress.css';

/**
 * The progress of a suite run in the page: an accessible progress bar (`role=progressbar`,
 * `aria-valuenow` = cases done) while it runs, then the verdict with a link to its report.
 */
export function SuiteProgress({ state, label }: { state: SuiteRunState; label: string }) {
  if (state.status === 'idle') return null;
  if (state.status === 'error')
    return (
      <p className="error suite-progress" role="alert" data-testid="suite-error">
        The suite could not run: {state.message}
      </p>
    );
  if (state.status === 'running') {
    const pct = state.total ? (state.done / state.total) * 100 : 0;
    return (
      <div className="suite-progress" data-testid="suite-progress">
        <div
          className="suite-progress-bar"
          role="progressbar"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={state.total}
          aria-valuenow={state.done}
          aria-valuetext={`${state.done} of ${state.total} cases`}
        >
          <span style={{ width: `${pct}%` }} />
        </div>
        <span className="suite-progress-text" aria-hidden="true">
          {state.done}/{state.total} · {state.passed} passed
          {state.failed ? ` · ${state.failed} failed` : ''}
        </span>
      </div>
    );
  }
  const { summary, passed } = state.report;
  return (
    <p className="suite-progress" data-testid="suite-done">
      <span className={passed ? 'suite-verdict ok' : 'suite-verdict bad'}>
        {passed ? '✓ passed' : '✗ failed'}
      </span>{' '}
      {summary.passed}/{summary.total - summary.skipped} cases passed ·{' '}
      <a href={state.href} data-testid="suite-report-link">
        open the report →
      </a>
    </p>
  );
}
