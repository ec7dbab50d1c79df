import type { Span, Timeline } from 'afk/debugger';
import { useState } from 'react';
import { formatCost, formatDuration, formatTokens, KIND_GLYPH, STATUS_GLYPH } from './format.js';
import { ErrorTab, IoTab, MessagesTab, RawTab, UsageTab } from './inspector-tabs.js';
import { type SpanFacts, spanFacts } from './span-facts.js';
import { previousLlmSpan } from './span-tree.js';

export type InspectorTab = 'messages' | 'io' | 'raw' | 'usage' | 'error';

export interface SpanInspectorProps {
  span: Span | undefined;
  /** The span's timeline: lets the Messages tab mark what is new since the previous model call. */
  timeline?: Timeline | undefined;
}

const TAB_LABEL: Record<InspectorTab, string> = {
  messages: 'Messages',
  io: 'Input / Output',
  raw: 'Raw',
  usage: 'Usage',
  error: 'Error',
};

/**
 * What one span holds, in tabs: **Messages** (the conversation as the model saw it at this
 * span, from `Debugger.stateAt`, as a chat with what is new since the previous step marked),
 * **Input / Output** (collapsible JSON), **Raw** (the log events of the span and the captured
 * provider request), **Usage** (tokens, cached, cost, latency), **Error** (code, message,
 * retryable, request id). Approval spans show the decision and who made it; background spans
 * their ticket.
 *
 * @example
 * <SpanInspector span={selected} timeline={tl} />
 */
export function SpanInspector({ span, timeline }: SpanInspectorProps) {
  if (!span)
    return (
      <aside className="afk-inspector" data-testid="span-inspector">
        <p className="afk-empty">Select a span to see what happened in it.</p>
      </aside>
    );
  return <Inspector key={span.id} span={span} timeline={timeline} />;
}

function tabsOf(span: Span, f: SpanFacts): InspectorTab[] {
  const tabs: InspectorTab[] = [];
  if (span.kind !== 'background') tabs.push('messages');
  if (f.input !== undefined || f.output !== undefined || f.toolCalls || f.approval?.decision !== undefined)
    tabs.push('io');
  tabs.push('raw');
  if (f.usage) tabs.push('usage');
  if (f.error) tabs.push('error');
  return tabs;
}

function Inspector({ span, timeline }: { span: Span; timeline: Timeline | undefined }) {
  const f = spanFacts(span);
  const tabs = tabsOf(span, f);
  // A model call opens on what it saw; the others on their input and output (the run span's
  // whole conversation is a fold of the entire log: one click away, not paid for on every open).
  const first: InspectorTab = f.error
    ? 'error'
    : span.kind !== 'llm' && tabs.includes('io')
      ? 'io'
      : (tabs[0] as InspectorTab);
  const [tab, setTab] = useState<InspectorTab>(first);
  const prev = span.kind === 'llm' && timeline ? previousLlmSpan(timeline.root, span) : undefined;
  const dur = span.endTs === undefined ? undefined : span.endTs - span.startTs;
  return (
    <aside className="afk-inspector" data-testid="span-inspector" aria-label={`Span ${span.name}`}>
      <header className="afk-inspector-head">
        <span className={`afk-kind afk-kind-${span.kind}`} aria-hidden="true">
          {KIND_GLYPH[span.kind]}
        </span>
        <strong className="afk-inspector-title">
          {span.kind} · {span.name}
        </strong>
        <span className={`afk-pill afk-status-${span.status}`} data-testid="span-status">
          {STATUS_GLYPH[span.status]} {span.status}
        </span>
        <span className="afk-muted afk-mono afk-small">{formatDuration(dur)}</span>
      </header>
      <p className="afk-muted afk-mono afk-small afk-inspector-sub">
        {span.agentPath} · seq {span.fromSeq}
        {span.toSeq === undefined ? '' : `–${span.toSeq}`}
        {f.usage?.totalTokens !== undefined && ` · ${formatTokens(f.usage.totalTokens)} tok`}
        {f.usage?.costUsd !== undefined && ` · ${formatCost(f.usage.costUsd)}`}
      </p>
      {f.error && (
        <p className="afk-error afk-inspector-error" data-testid="span-error">
          <strong className="afk-mono">{f.error.code}</strong>
          {f.error.message !== undefined && <span> {f.error.message}</span>}
        </p>
      )}
      {f.approval && (
        <dl className="afk-decision" data-testid="span-approval">
          <div>
            <dt>decision</dt>
            <dd className={`afk-approval-${f.approval.status}`}>{f.approval.status}</dd>
          </div>
          <div>
            <dt>decided by</dt>
            <dd className="afk-mono">
              {f.approval.by ?? (f.approval.status === 'pending' ? '— (waiting)' : '—')}
            </dd>
          </div>
          {f.approval.waitedMs !== undefined && (
            <div>
              <dt>waited</dt>
              <dd className="afk-mono">{formatDuration(f.approval.waitedMs)}</dd>
            </div>
          )}
          {(f.approval.rule || f.approval.reason) && (
            <div>
              <dt>why asked</dt>
              <dd>{[f.approval.rule, f.approval.reason].filter(Boolean).join(' · ')}</dd>
            </div>
          )}
        </dl>
      )}
      {f.ticket && (
        <dl className="afk-decision" data-testid="span-ticket">
          <div>
            <dt>ticket</dt>
            <dd className="afk-mono">{f.ticket.id}</dd>
          </div>
          <div>
            <dt>state</dt>
            <dd>{span.status === 'paused' ? 'waiting' : span.status === 'ok' ? 'resolved' : 'failed'}</dd>
          </div>
          {f.ticket.waitedMs !== undefined && (
            <div>
              <dt>waited</dt>
              <dd className="afk-mono">{formatDuration(f.ticket.waitedMs)}</dd>
            </div>
          )}
          {f.ticket.expiresAt !== undefined && (
            <div>
              <dt>expires</dt>
              <dd className="afk-mono">{new Date(f.ticket.expiresAt).toLocaleString()}</dd>
            </div>
          )}
        </dl>
      )}
      <div className="afk-tabs" role="tablist" aria-label="Span details">
        {tabs.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={`afk-tab-${t}`}
            aria-selected={tab === t}
            aria-controls={`afk-tabpanel-${t}`}
            className={`afk-tab${tab === t ? ' is-active' : ''}${t === 'error' ? ' is-error' : ''}`}
            data-testid={`inspector-tab-${t}`}
            onClick={() => setTab(t)}
          >
            {TAB_LABEL[t]}
          </button>
        ))}
      </div>
      <div
        className="afk-tabpanel"
        role="tabpanel"
        id={`afk-tabpanel-${tab}`}
        aria-labelledby={`afk-tab-${tab}`}
        data-testid={`inspector-panel-${tab}`}
      >
        {tab === 'messages' && <MessagesTab span={span} previous={prev} />}
        {tab === 'io' && <IoTab span={span} facts={f} />}
        {tab === 'raw' && <RawTab span={span} facts={f} />}
        {tab === 'usage' && f.usage && <UsageTab usage={f.usage} />}
        {tab === 'error' && f.error && <ErrorTab error={f.error} />}
      </div>
    </aside>
  );
}
