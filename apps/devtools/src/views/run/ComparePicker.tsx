import { useState } from 'react';
import { store } from '../../runtime';
import { useRoute } from '../../state/route';
import { useStoreQuery } from '../../state/use-store-query';
import { RUN_STATE_GLYPH } from './RunHeader';

/**
 * "Compare with…": pick the other run — recent runs of the same agent first (its forks and
 * origin at the top), then the rest — and open `#/compare/<this>/<other>`.
 */
export function ComparePicker({
  runId,
  agentName,
  onClose,
}: {
  runId: string;
  agentName: string;
  onClose(): void;
}) {
  const navigate = useRoute((s) => s.navigate);
  const [q, setQ] = useState('');
  const runs =
    useStoreQuery(`compare-candidates:${runId}`, 'all', () => store.listRuns({ limit: 500 })) ?? [];
  const query = q.trim().toLowerCase();
  const candidates = runs
    .filter((r) => r.runId !== runId && !r.parentRunId)
    .filter(
      (r) => !query || r.runId.toLowerCase().includes(query) || r.agentName.toLowerCase().includes(query),
    )
    .sort((a, b) => {
      const rank = (r: (typeof runs)[number]) =>
        r.forkedFrom?.runId === runId ? 0 : r.agentName === agentName ? 1 : 2;
      return rank(a) - rank(b) || b.startedAt - a.startedAt;
    })
    .slice(0, 50);
  return (
    <div className="afk-modal-backdrop">
      <div
        className="afk-modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="compare-pick-title"
        data-testid="compare-picker"
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
        }}
      >
        <h3 id="compare-pick-title">Compare with…</h3>
        <input
          type="search"
          className="afk-input compare-search"
          placeholder="Filter by run id or agent"
          aria-label="Filter runs"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          // biome-ignore lint/a11y/noAutofocus: the dialog's first field
          autoFocus
        />
        {candidates.length === 0 ? (
          <p className="hint">No other run to compare with yet.</p>
        ) : (
          <ul className="compare-candidates">
            {candidates.map((r) => (
              <li key={r.runId}>
                <button
                  type="button"
                  className="compare-candidate"
                  data-testid="compare-candidate"
                  onClick={() => navigate({ view: 'compare', runIdA: runId, runIdB: r.runId })}
                >
                  <span aria-hidden="true">{RUN_STATE_GLYPH[r.status]}</span>
                  <span className="compare-agent">{r.agentName}</span>
                  <span className="mono">{r.runId}</span>
                  <span className="hint">
                    {r.forkedFrom?.runId === runId ? '⋔ fork · ' : ''}
                    {new Date(r.startedAt).toLocaleTimeString()}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="afk-modal-actions">
          <button type="button" className="afk-btn" onClick={onClose}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
