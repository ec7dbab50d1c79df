import type { Span } from 'afk/debugger';

type JSONValue = Span['attributes'][string];

/** Error codes a retry may fix (rate limits, unavailable providers, timeouts). */
const RETRYABLE = new Set(['llm_rate_limited', 'llm_unavailable', 'llm_timeout', 'timeout', 'network_error']);

/** What the inspector's tabs read off a span's attributes (plain data; no React). */
export interface SpanFacts {
  input: JSONValue | undefined;
  output: JSONValue | undefined;
  toolCalls: JSONValue[] | undefined;
  usage:
    | {
        inputTokens?: number | undefined;
        outputTokens?: number | undefined;
        cachedInputTokens?: number | undefined;
        totalTokens?: number | undefined;
        costUsd?: number | undefined;
        latencyMs?: number | undefined;
      }
    | undefined;
  error:
    | { code: string; message?: string | undefined; retryable: boolean; requestId?: string | undefined }
    | undefined;
  approval:
    | {
        status?: string | undefined;
        by?: string | undefined;
        decision?: JSONValue | undefined;
        reason?: string | undefined;
        rule?: string | undefined;
        waitedMs?: number | undefined;
      }
    | undefined;
  ticket:
    | {
        id: string;
        summary?: JSONValue | undefined;
        expiresAt?: number | undefined;
        waitedMs?: number | undefined;
      }
    | undefined;
  /** The messages the model was sent, when the debugger captured them (`captureLlmPayloads`). */
  capturedRequest: JSONValue[] | undefined;
}

const num = (v: JSONValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
const str = (v: JSONValue | undefined): string | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v);

/** Reads a span's attributes into what the inspector shows. */
export function spanFacts(span: Span): SpanFacts {
  const a = span.attributes;
  const tokens = {
    inputTokens: num(a['gen_ai.usage.input_tokens']),
    outputTokens: num(a['gen_ai.usage.output_tokens']),
    cachedInputTokens: num(a['gen_ai.usage.cached_input_tokens']),
    totalTokens: num(a['afk.usage.total_tokens']),
    costUsd: num(a.costUsd),
    latencyMs: num(a['afk.latency_ms']),
  };
  const hasUsage = Object.values(tokens).some((v) => v !== undefined);
  const code = str(a['error.type']);
  const failedWithout = code === undefined && span.status === 'error' ? 'error' : undefined;
  const errorCode = code ?? failedWithout;
  const calls = a['afk.output.tool_calls'];
  const requestId = str(a['gen_ai.response.id']);
  const waited = num(a['afk.wait_ms']);
  const ticketId = str(a['afk.ticket_id']);
  return {
    input: a['afk.tool.args'] ?? a['afk.task'],
    output: a['afk.tool.output'] ?? a['afk.tool.result'] ?? nonEmpty(a['afk.output.text']),
    toolCalls: Array.isArray(calls) && calls.length ? calls : undefined,
    usage: hasUsage ? strip(tokens) : undefined,
    error: errorCode
      ? {
          code: errorCode,
          ...(a['afk.error.message'] !== undefined ? { message: str(a['afk.error.message']) as string } : {}),
          retryable: RETRYABLE.has(errorCode),
          ...(requestId ? { requestId } : {}),
        }
      : undefined,
    approval:
      span.kind === 'approval'
        ? strip({
            status: str(a['afk.approval.status']) ?? 'pending',
            by: str(a['afk.approval.by']),
            decision: a['afk.approval.decision'],
            reason: str(a['afk.approval.reason']),
            rule: str(a['afk.policy.rule_id']),
            waitedMs: waited,
          })
        : undefined,
    ticket:
      span.kind === 'background' && ticketId
        ? strip({
            id: ticketId,
            summary: a['afk.ticket.summary'],
            expiresAt: num(a['afk.ticket.expires_at']),
            waitedMs: waited,
          })
        : undefined,
    capturedRequest: Array.isArray(a['gen_ai.input.messages']) ? a['gen_ai.input.messages'] : undefined,
  };
}

function nonEmpty(v: JSONValue | undefined): JSONValue | undefined {
  return v === '' ? undefined : v;
}

function strip<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
