import { neighbourSpan, RunTimeline, SpanInspector, StepChart, useRun } from '@afk/react';
import { findSpan, type Span } from 'afk/debugger';
import { type ReactNode, useEffect, useState } from 'react';
import { runner } from '../runtime';
import { useStoreQuery } from '../state/use-store-query';
import { ForksList } from './run/ForksList';
import { ImportButton } from './run/ImportDrop';
import { RunHeader } from './run/RunHeader';
import { RunToolbar } from './run/RunToolbar';
import './run/run-view.css';

export interface RunDetailProps {
  runId: string | undefined;
  /** The span shown in the inspector. */
  selectedSpanId?: string | undefined;
  onSelectSpan(spanId: string | undefined): void;
  /** `[` / `]` select the previous / next span from anywhere on the page (the run page). */
  keyboard?: boolean;
  /** More toolbar actions (the evals work adds "save as eval case"). */
  actions?: ReactNode;
}

/**
 * One run, read live from the store: its facts and answer, the toolbar (fork, compare, export),
 * the three panes — span tree | waterfall (one virtualised row model) | inspector — and tokens
 * and cost per step. A running run fills in as its events are written.
 */
export function RunDetail({
  runId,
  selectedSpanId,
  onSelectSpan: selectSpan,
  keyboard,
  actions,
}: RunDetailProps) {
  const view = useRun(runId);
  const data = view.status === 'ok' ? view.data : undefined;
  const run = data?.record;
  const timeline = data?.timeline;
  const explicit = timeline && selectedSpanId ? findSpan(timeline.root, selectedSpanId) : undefined;
  // Nothing chosen yet: show why a failed run failed, else the run itself.
  const selected = explicit ?? (timeline ? defaultSpan(timeline.root) : undefined);

  useEffect(() => {
    if (!keyboard || !timeline) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '[' && e.key !== ']') return;
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      const next = neighbourSpan(timeline.root, selected?.id, e.key === ']' ? 1 : -1);
      if (next) {
        e.preventDefault();
        selectSpan(next.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [keyboard, timeline, selected?.id, selectSpan]);

  if (!runId)
    return (
      <section className="panel run-detail" aria-labelledby="run-title">
        <h2 id="run-title">Run</h2>
        <p className="hint">
          No run selected — run the agent in the Playground, or <ImportButton className="afk-btn" /> an
          export.
        </p>
      </section>
    );
  if (view.status === 'error')
    return (
      <section className="panel run-detail" aria-labelledby="run-title">
        <h2 id="run-title">Run</h2>
        <p className="error" data-testid="timeline-error">
          This run cannot be shown: {view.error.message}
        </p>
      </section>
    );
  if (!run || !timeline)
    return (
      <section className="panel run-detail" aria-labelledby="run-title">
        <h2 id="run-title">Run</h2>
        <p className="hint">{view.status === 'loading' ? 'Loading…' : `No run ${runId} in this store.`}</p>
      </section>
    );

  return (
    <section className="panel run-detail" aria-labelledby="run-title" data-testid="run-detail">
      <RunHeader run={run} timeline={timeline} />
      <RunToolbar run={run} timeline={timeline} selected={selected}>
        {actions}
      </RunToolbar>
      <div className="run-answer">
        <h3>Final text</h3>
        <output className="final-text" data-testid="final-text">
          {run.status === 'running' ? '' : (run.result?.finalText ?? '')}
        </output>
      </div>
      <ForksList runId={run.runId} />
      <div className="run-panes">
        <RunTimeline
          timeline={timeline}
          selectedSpanId={selected?.id}
          onSelect={(s) => selectSpan(s.id)}
          fill
        />
        <SpanInspector span={selected} timeline={timeline} />
      </div>
      <StepChart timeline={timeline} selectedSpanId={selected?.id} onSelect={(s) => selectSpan(s.id)} />
      <EventLog runId={run.runId} count={timeline.eventCount} />
    </section>
  );
}

function defaultSpan(root: Span): Span {
  if (root.status !== 'error') return root;
  const stack = [...root.children].reverse();
  let failed: Span | undefined;
  while (stack.length) {
    const s = stack.pop() as Span;
    if (s.status === 'error' && s.kind !== 'step' && s.kind !== 'run') failed = s;
    for (let i = s.children.length - 1; i >= 0; i--) stack.push(s.children[i] as Span);
  }
  return failed ?? root;
}

/** The persisted log, read only when opened (a 100,000-event run costs nothing until then). */
function EventLog({ runId, count }: { runId: string; count: number }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="run-log" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Persisted event log ({count.toLocaleString('en-US')})</summary>
      {open && <EventLogList runId={runId} />}
    </details>
  );
}

const LOG_LIMIT = 500;

function EventLogList({ runId }: { runId: string }) {
  const log = useStoreQuery(`log:${runId}`, runId, () => runner.events(runId));
  if (!log) return <p className="hint">Loading…</p>;
  return (
    <ol className="event-list">
      {log.slice(0, LOG_LIMIT).map((e) => (
        <li key={e.seq} data-testid="log-item">
          <span className="seq">#{e.seq}</span> <span className="type">{e.type}</span>
        </li>
      ))}
      {log.length > LOG_LIMIT && (
        <li className="hint">… {log.length - LOG_LIMIT} more (export the run to see all)</li>
      )}
    </ol>
  );
}
