import { RunTimeline, SpanInspector, useRun } from '@afk/react';
import { findSpan } from 'afk/debugger';
import { runner, store } from '../runtime';
import { useStoreQuery } from '../state/use-store-query';

export interface RunDetailProps {
  runId: string | undefined;
  /** The span shown in the inspector. */
  selectedSpanId?: string | undefined;
  onSelectSpan(spanId: string | undefined): void;
}

/** One run, read live from the store: its state and answer, the timeline and the span inspector. */
export function RunDetail({ runId, selectedSpanId, onSelectSpan: selectSpan }: RunDetailProps) {
  const key = runId ?? 'none';
  const run = useStoreQuery(`run:${key}`, key, async () =>
    runId ? ((await store.getRun(runId)) ?? null) : null,
  );
  const log = useStoreQuery(`log:${key}`, key, async () => (runId ? runner.events(runId) : []));
  const view = useRun(runId);
  const timeline = view.status === 'ok' ? view.data?.timeline : undefined;
  const selected = timeline && selectedSpanId ? findSpan(timeline.root, selectedSpanId) : undefined;

  return (
    <section className="panel run-detail" aria-labelledby="run-title">
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
              {run.result?.error && (
                <span className="error" data-testid="run-error">
                  {' '}
                  {run.result.error.code}: {run.result.error.message}
                </span>
              )}
            </dd>
          </dl>
          <h3>Final text</h3>
          <output className="final-text" data-testid="final-text">
            {run.status === 'running' ? '' : (run.result?.finalText ?? '')}
          </output>
          <h3>Timeline</h3>
          {view.status === 'error' ? (
            <p className="error" data-testid="timeline-error">
              This run cannot be shown: {view.error.message}
            </p>
          ) : timeline ? (
            <div className="run-panes">
              <RunTimeline
                timeline={timeline}
                selectedSpanId={selected?.id}
                onSelect={(s) => selectSpan(s.id)}
              />
              <SpanInspector span={selected} />
            </div>
          ) : (
            <p className="hint">Loading…</p>
          )}
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
