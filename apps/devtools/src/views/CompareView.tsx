import { RunDiffView, useStoreQuery as useQueryState } from '@afk/react';
import { store } from '../runtime';
import { useRoute } from '../state/route';
import { openRun } from '../state/selection';
import { debuggerOf } from './run/run-actions';
import './run/compare-view.css';

/** `#/compare/<a>/<b>`: two runs side by side from `Debugger.diff`. */
export function CompareView({ runIdA, runIdB }: { runIdA: string; runIdB: string }) {
  const navigate = useRoute((s) => s.navigate);
  const key = `${runIdA}|${runIdB}`;
  const diff = useQueryState(`diff:${key}`, 'all', async () => {
    const [a, b, d] = await Promise.all([
      store.getRun(runIdA),
      store.getRun(runIdB),
      debuggerOf.diff(runIdA, runIdB),
    ]);
    return { a, b, diff: d };
  });
  return (
    <div className="compare-page">
      <section className="panel compare-view" aria-labelledby="compare-title" data-testid="compare-view">
        <header className="compare-head">
          <h2 id="compare-title">Compare runs</h2>
          <RunLink
            label="A"
            runId={runIdA}
            agent={diff.status === 'ok' ? diff.data.a?.agentName : undefined}
          />
          <button
            type="button"
            className="afk-btn"
            title="Swap A and B"
            onClick={() => navigate({ view: 'compare', runIdA: runIdB, runIdB: runIdA })}
            data-testid="compare-swap"
          >
            ⇄
          </button>
          <RunLink
            label="B"
            runId={runIdB}
            agent={diff.status === 'ok' ? diff.data.b?.agentName : undefined}
          />
        </header>
        {diff.status === 'loading' && <p className="hint">Comparing…</p>}
        {diff.status === 'error' && (
          <p className="error" data-testid="compare-error">
            These runs cannot be compared: {diff.error.message}
          </p>
        )}
        {diff.status === 'ok' && (
          <RunDiffView
            diff={diff.data.diff}
            labelA={`A · ${diff.data.a?.agentName ?? ''} ${short(runIdA)}`}
            labelB={`B · ${diff.data.b?.agentName ?? ''} ${short(runIdB)}`}
          />
        )}
      </section>
    </div>
  );
}

function short(id: string): string {
  return id.length > 14 ? `${id.slice(0, 12)}…` : id;
}

function RunLink({ label, runId, agent }: { label: string; runId: string; agent: string | undefined }) {
  return (
    <a
      className="compare-run"
      href={`#/runs/${encodeURIComponent(runId)}`}
      onClick={(e) => {
        e.preventDefault();
        openRun(runId);
      }}
    >
      <strong>{label}</strong> {agent ?? ''} <span className="mono">{runId}</span>
    </a>
  );
}
