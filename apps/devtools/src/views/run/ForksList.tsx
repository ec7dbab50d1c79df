import type { RunRecord } from 'afk/memory';
import { store } from '../../runtime';
import { openRun } from '../../state/selection';
import { useStoreQuery } from '../../state/use-store-query';
import { RUN_STATE_GLYPH } from './RunHeader';

/** The forks made from a run: the branches of this origin, newest first. */
export function useForks(runId: string): RunRecord[] {
  return (
    useStoreQuery(`forks:${runId}`, 'all', async () =>
      (await store.listRuns({ limit: 2000 }))
        .filter((r) => r.forkedFrom?.runId === runId)
        .sort((a, b) => b.startedAt - a.startedAt),
    ) ?? []
  );
}

/** "Branches": the forks of this run, each with where it forked and how it ended. */
export function ForksList({ runId }: { runId: string }) {
  const forks = useForks(runId);
  if (!forks.length) return null;
  return (
    <section className="run-forks" aria-label="Forks of this run" data-testid="run-forks">
      <h3>
        ⋔ {forks.length} {forks.length === 1 ? 'fork' : 'forks'}
      </h3>
      <ul>
        {forks.map((f) => (
          <li key={f.runId}>
            <a
              href={`#/runs/${encodeURIComponent(f.runId)}`}
              data-testid="fork-item"
              data-run-id={f.runId}
              onClick={(e) => {
                e.preventDefault();
                openRun(f.runId);
              }}
            >
              <span className={`fork-state is-${f.status}`} aria-hidden="true">
                {RUN_STATE_GLYPH[f.status]}
              </span>{' '}
              <span className="mono">{f.runId}</span>
            </a>{' '}
            <span className="hint">
              at seq {f.forkedFrom?.seq} · {f.status}
              {f.result?.finalText ? ` · “${truncate(f.result.finalText, 60)}”` : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
