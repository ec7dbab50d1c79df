import { Debugger, type RunView, type Span } from 'afk/debugger';

type JSONValue = Span['attributes'][string];

import type { Message } from 'afk/llms';
import { useMemo } from 'react';
import { useAfk } from './context.js';
import { formatCost, formatDuration, formatTokens, KIND_GLYPH, STATUS_GLYPH } from './format.js';
import { useStoreQuery } from './use-store-query.js';

/**
 * What one span holds: a summary (model, tokens, cost, latency, decision), its input and output
 * as JSON, the error with its code, and — for model calls — the conversation as the model saw it,
 * rendered as a chat. Reads the store for the messages (time travel through `Debugger.stateAt`).
 *
 * @example
 * <SpanInspector span={selected} />
 */
export function SpanInspector({ span }: { span: Span | undefined }) {
  if (!span)
    return (
      <aside className="afk-inspector" data-testid="span-inspector">
        <p className="afk-empty">Select a span to see what happened in it.</p>
      </aside>
    );
  const a = span.attributes;
  const facts: Array<[string, string]> = [];
  const add = (label: string, v: JSONValue | undefined, fmt: (x: never) => string = String) => {
    if (v !== undefined && v !== null) facts.push([label, fmt(v as never)]);
  };
  add('model', a['gen_ai.response.model'] ?? a['gen_ai.request.model']);
  add('input tokens', a['gen_ai.usage.input_tokens'], formatTokens);
  add('output tokens', a['gen_ai.usage.output_tokens'], formatTokens);
  add('cached input', a['gen_ai.usage.cached_input_tokens'], formatTokens);
  add('cost', a.costUsd, formatCost);
  add('latency', a['afk.latency_ms'], formatDuration);
  add('finish', a['gen_ai.response.finish_reasons']);
  add('call id', a['gen_ai.tool.call.id']);
  add('effects', a['afk.tool.effects']);
  add('attempts', a['afk.tool.attempts']);
  add('policy', a['afk.policy.action']);
  add('rule', a['afk.policy.rule_id']);
  add('approval', a['afk.approval.status']);
  add('decided by', a['afk.approval.by']);
  add('waited', a['afk.wait_ms'], formatDuration);
  add('ticket', a['afk.ticket_id']);
  add('child run', a['afk.child_run_id']);
  add('state', a['afk.state']);
  const input = a['afk.tool.args'] ?? a['afk.task'];
  const output = a['afk.tool.output'] ?? a['afk.tool.result'] ?? a['afk.output.text'];
  const toolCalls = a['afk.output.tool_calls'];
  const errorType = a['error.type'];
  return (
    <aside className="afk-inspector" data-testid="span-inspector" aria-label={`Span ${span.name}`}>
      <header className="afk-inspector-head">
        <span className={`afk-kind afk-kind-${span.kind}`}>{KIND_GLYPH[span.kind]}</span>
        <strong>
          {span.kind} · {span.name}
        </strong>
        <span className={`afk-pill afk-status-${span.status}`} data-testid="span-status">
          {STATUS_GLYPH[span.status]} {span.status}
        </span>
        <span className="afk-muted afk-mono">
          {formatDuration(span.endTs === undefined ? undefined : span.endTs - span.startTs)}
        </span>
      </header>
      <p className="afk-muted afk-mono afk-small">
        {span.agentPath} · seq {span.fromSeq}
        {span.toSeq === undefined ? '' : `–${span.toSeq}`}
      </p>
      {errorType !== undefined && (
        <section className="afk-error" data-testid="span-error">
          <strong className="afk-mono">{String(errorType)}</strong>
          {a['afk.error.message'] !== undefined && <span> {String(a['afk.error.message'])}</span>}
        </section>
      )}
      {facts.length > 0 && (
        <dl className="afk-facts">
          {facts.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd className="afk-mono">{v}</dd>
            </div>
          ))}
        </dl>
      )}
      {input !== undefined && <JsonBlock title="Input" value={input} testId="span-input" />}
      {toolCalls !== undefined && Array.isArray(toolCalls) && toolCalls.length > 0 && (
        <JsonBlock title="Tool calls" value={toolCalls} testId="span-tool-calls" />
      )}
      {output !== undefined && output !== '' && (
        <JsonBlock title="Output" value={output} testId="span-output" />
      )}
      {a['afk.approval.decision'] !== undefined && (
        <JsonBlock title="Decision" value={a['afk.approval.decision']} />
      )}
      {span.kind === 'llm' && <ModelSaw runId={span.runId} seq={span.fromSeq} />}
      <details className="afk-details">
        <summary>All attributes</summary>
        <pre className="afk-json">{JSON.stringify(a, null, 2)}</pre>
      </details>
    </aside>
  );
}

function JsonBlock({ title, value, testId }: { title: string; value: JSONValue; testId?: string }) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return (
    <section className="afk-block">
      <h4>{title}</h4>
      <pre className="afk-json" data-testid={testId}>
        {text}
      </pre>
    </section>
  );
}

/** The transcript at the model call, as a chat (time travel through the log). */
function ModelSaw({ runId, seq }: { runId: string; seq: number }) {
  const { store } = useAfk();
  const dbg = useMemo(() => new Debugger({ store }), [store]);
  const view = useStoreQuery<RunView>(`view:${runId}:${seq}`, runId, () => dbg.stateAt(runId, seq));
  if (view.status !== 'ok') return null;
  return (
    <section className="afk-block">
      <h4>What the model saw ({view.data.messages.length} messages)</h4>
      <ol className="afk-chat" data-testid="model-saw">
        {view.data.messages.map((m, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a transcript is append-only; the index is its identity
          <li key={i} className={`afk-msg afk-msg-${m.role}`}>
            <span className="afk-msg-role">{m.role}</span>
            <span className="afk-msg-text">{messageText(m)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function messageText(m: Message): string {
  if (m.role === 'assistant' && m.toolCalls?.length) {
    const calls = m.toolCalls.map((c) => `→ ${c.name}(${JSON.stringify(c.args)})`).join('\n');
    return m.content ? `${m.content}\n${calls}` : calls;
  }
  return typeof m.content === 'string' ? m.content : JSON.stringify(m.content);
}
