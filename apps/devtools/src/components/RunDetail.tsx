import { runner, store } from '../runtime';
import { useStoreQuery } from '../state/use-store-query';

/** State, final text and persisted event log of one run, read live from the store. */
export function RunDetail({ runId }: { runId: string | undefined }) {
  const key = runId ?? 'none';
  const run = useStoreQuery(`run:${key}`, key, async () =>
    runId ? ((await store.getRun(runId)) ?? null) : null,
  );
  const log = useStoreQuery(`log:${key}`, key, async () => (runId ? runner.events(runId) : []));

  return (
    <section className="panel" aria-labelledby="run-title">
      <h2 id="run-title">Run</h2>
      {!run ? (
        <p className="hint">No run selected.</p>
      ) : (
        <>
          <dl className="facts">
            <dt>Run</dt>
            <dd className="mono" data-testid="run-id">
              {run.runId}
            </dd>
            <dt>Thread</dt>
            <dd className="mono">{run.threadId}</dd>
            <dt>State</dt>
            <dd>
              <span className={`badge ${run.status}`} data-testid="run-state">
                {run.status}
              </span>
            </dd>
          </dl>
          <h3>Final text</h3>
          <output className="final-text" data-testid="final-text">
            {run.status === 'running' ? '' : (run.result?.finalText ?? '')}
          </output>
          <details>
            <summary>Persisted event log ({log?.length ?? 0})</summary>
            <ol className="event-list">
              {(log ?? []).map((e) => (
                <li key={e.seq} data-testid="log-item">
                  <span className="seq">#{e.seq}</span> <span className="type">{e.type}</span>
                </li>
              ))}
            </ol>
          </details>
        </>
      )}
    </section>
  );
}
