import type { RunRecord } from 'afk/memory';
import { openRun } from '../state/selection';

/** Runs in the store, newest first; clicking one shows it in the detail panel. */
export function RunList({
  runs,
  currentRunId,
}: {
  runs: readonly RunRecord[] | undefined;
  currentRunId: string | undefined;
}) {
  return (
    <section className="panel" aria-labelledby="runs-title">
      <h2 id="runs-title">Runs</h2>
      {runs === undefined ? (
        <p className="hint">Loading…</p>
      ) : runs.length === 0 ? (
        <p className="hint">No runs yet: start one in the playground.</p>
      ) : (
        <ul className="run-list" data-testid="run-list">
          {runs.map((run) => (
            <li key={run.runId}>
              <button
                type="button"
                data-testid="run-row"
                data-run-id={run.runId}
                aria-current={run.runId === currentRunId}
                onClick={() => openRun(run.runId)}
              >
                <span className="mono">{run.runId.slice(0, 12)}</span> {run.agentName}{' '}
                <span className={`badge ${run.status}`}>{run.status}</span>{' '}
                <time dateTime={new Date(run.startedAt).toISOString()}>
                  {new Date(run.startedAt).toLocaleTimeString()}
                </time>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
