import { Debugger, type RunView, type Span } from 'afk/debugger';
import { useMemo } from 'react';
import { ChatView } from './ChatView.js';
import { useAfk } from './context.js';
import { formatCost, formatDuration, formatTokens } from './format.js';
import { JsonView } from './JsonView.js';
import { firstNewMessage } from './message-diff.js';
import type { SpanFacts } from './span-facts.js';
import { useStoreQuery } from './use-store-query.js';

/** How many log events the Raw tab shows for one span (a step can span thousands). */
const RAW_EVENTS = 40;

/** The seq whose fold is "the conversation at this span": a model call's start (what it was sent). */
function seqOf(span: Span): number {
  return span.kind === 'llm' ? span.fromSeq : (span.toSeq ?? span.fromSeq);
}

function useDebugger(): Debugger {
  const { store } = useAfk();
  return useMemo(() => new Debugger({ store }), [store]);
}

function useViewAt(runId: string, seq: number | undefined) {
  const dbg = useDebugger();
  return useStoreQuery<RunView | undefined>(`view:${runId}:${seq ?? '-'}`, runId, async () =>
    seq === undefined ? undefined : dbg.stateAt(runId, seq),
  );
}

/** The conversation at the span, as a chat; for a model call, what is new since the previous one. */
export function MessagesTab({ span, previous }: { span: Span; previous: Span | undefined }) {
  const view = useViewAt(span.runId, seqOf(span));
  const before = useViewAt(span.runId, previous ? seqOf(previous) : undefined);
  if (view.status === 'loading') return <p className="afk-empty">Loading…</p>;
  if (view.status === 'error')
    return <p className="afk-error">The conversation cannot be rebuilt: {view.error.message}</p>;
  const messages = view.data?.messages ?? [];
  const prior = before.status === 'ok' ? before.data?.messages : undefined;
  const newFrom = previous && prior ? firstNewMessage(prior, messages) : undefined;
  return (
    <section className="afk-block">
      <h4>
        {span.kind === 'llm' ? 'What the model saw' : 'The conversation at this point'} ({messages.length}{' '}
        {messages.length === 1 ? 'message' : 'messages'}
        {newFrom !== undefined && messages.length > newFrom ? `, ${messages.length - newFrom} new` : ''})
      </h4>
      <ChatView messages={messages} newFrom={newFrom} data-testid="model-saw" />
      {view.data && view.data.pendingToolCalls.length > 0 && (
        <p className="afk-muted afk-small">
          waiting on {view.data.pendingToolCalls.map((c) => c.name).join(', ')}
        </p>
      )}
    </section>
  );
}

/** Args, the tool calls a model asked for, the output, and an approval's decision, as JSON. */
export function IoTab({ span, facts: f }: { span: Span; facts: SpanFacts }) {
  return (
    <>
      {f.input !== undefined && (
        <section className="afk-block">
          <h4>{span.kind === 'subagent' ? 'Task' : 'Input'}</h4>
          <JsonView value={f.input} data-testid="span-input" label="Input" />
        </section>
      )}
      {f.toolCalls && (
        <section className="afk-block">
          <h4>Tool calls asked for</h4>
          <JsonView value={f.toolCalls} data-testid="span-tool-calls" label="Tool calls" />
        </section>
      )}
      {f.output !== undefined && (
        <section className="afk-block">
          <h4>Output</h4>
          {typeof f.output === 'string' && !/^\s*[[{]/.test(f.output) ? (
            <pre className="afk-json" data-testid="span-output">
              {f.output}
            </pre>
          ) : (
            <JsonView value={f.output} data-testid="span-output" label="Output" />
          )}
        </section>
      )}
      {f.approval?.decision !== undefined && (
        <section className="afk-block">
          <h4>Decision</h4>
          <JsonView value={f.approval.decision} data-testid="span-decision" label="Decision" />
        </section>
      )}
    </>
  );
}

/** The log events that opened and closed the span, and the captured provider request. */
export function RawTab({ span, facts: f }: { span: Span; facts: SpanFacts }) {
  const { store } = useAfk();
  const to = Math.min(span.toSeq ?? span.fromSeq, span.fromSeq + RAW_EVENTS - 1);
  const events = useStoreQuery(`raw:${span.runId}:${span.fromSeq}:${to}`, span.runId, () =>
    store.readEvents(span.runId, { fromSeq: span.fromSeq, toSeq: to }),
  );
  const more = (span.toSeq ?? span.fromSeq) - to;
  return (
    <>
      <section className="afk-block">
        <h4>Provider request</h4>
        {f.capturedRequest ? (
          <JsonView value={f.capturedRequest} openDepth={1} data-testid="raw-request" label="Request" />
        ) : (
          <p className="afk-muted afk-small">
            {span.kind === 'llm'
              ? 'Not captured: the messages are on the Messages tab (rebuilt from the log). Set captureLlmPayloads to keep them on the span.'
              : 'Only model calls send a provider request.'}
          </p>
        )}
      </section>
      <section className="afk-block">
        <h4>
          Log events (seq {span.fromSeq}
          {to > span.fromSeq ? `–${to}` : ''})
        </h4>
        {events.status === 'ok' ? (
          <JsonView value={events.data} openDepth={1} data-testid="raw-events" label="Log events" />
        ) : events.status === 'error' ? (
          <p className="afk-error">{events.error.message}</p>
        ) : (
          <p className="afk-empty">Loading…</p>
        )}
        {more > 0 && <p className="afk-muted afk-small">{more} later events of this span not shown.</p>}
      </section>
      <details className="afk-details">
        <summary>All attributes</summary>
        <JsonView value={span.attributes} openDepth={1} label="Attributes" />
      </details>
    </>
  );
}

export function UsageTab({ usage: u }: { usage: NonNullable<SpanFacts['usage']> }) {
  const rows: Array<[string, string, string]> = [];
  if (u.inputTokens !== undefined) rows.push(['input tokens', formatTokens(u.inputTokens), 'usage-in']);
  if (u.cachedInputTokens !== undefined)
    rows.push(['cached input', formatTokens(u.cachedInputTokens), 'usage-cached']);
  if (u.outputTokens !== undefined) rows.push(['output tokens', formatTokens(u.outputTokens), 'usage-out']);
  if (u.totalTokens !== undefined) rows.push(['total tokens', formatTokens(u.totalTokens), 'usage-total']);
  if (u.costUsd !== undefined) rows.push(['cost', formatCost(u.costUsd), 'usage-cost']);
  if (u.latencyMs !== undefined) rows.push(['latency', formatDuration(u.latencyMs), 'usage-latency']);
  return (
    <table className="afk-kv" data-testid="span-usage">
      <tbody>
        {rows.map(([k, v, id]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td className="afk-mono" data-testid={id}>
              {v}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ErrorTab({ error: e }: { error: NonNullable<SpanFacts['error']> }) {
  return (
    <table className="afk-kv" data-testid="span-error-detail">
      <tbody>
        <tr>
          <th scope="row">code</th>
          <td className="afk-mono" data-testid="error-code">
            {e.code}
          </td>
        </tr>
        <tr>
          <th scope="row">message</th>
          <td data-testid="error-message">{e.message ?? '—'}</td>
        </tr>
        <tr>
          <th scope="row">retryable</th>
          <td>{e.retryable ? 'yes (by its code)' : 'no'}</td>
        </tr>
        <tr>
          <th scope="row">request id</th>
          <td className="afk-mono">{e.requestId ?? '—'}</td>
        </tr>
      </tbody>
    </table>
  );
}
