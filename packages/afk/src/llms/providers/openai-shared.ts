import { AfkLLMError } from '../../errors/index.js';
import type { JSONSchema } from '../../internal/json.js';
import type { LLMRequest, LLMUsage, Message } from '../types.js';

/** What an OpenAI-wire server can do; `openai` has everything, `openai-compatible` servers vary. */
export interface WireCapabilities {
  streaming: boolean;
  toolCalling: boolean;
  structuredOutput: boolean;
  reasoning: boolean;
  /** The server understands `stream_options.include_usage`. */
  streamUsage: boolean;
}

/**
 * The error for a 200 answer whose body is not the expected JSON (an HTML error page from a
 * proxy, `{}`, a string): `llm_bad_response`, retryable (usually a transient gateway hiccup),
 * like the streaming path reports a malformed stream.
 */
export function badResponseError(
  provider: string,
  model: string,
  what: string,
  data: unknown,
  requestId: string | undefined,
): AfkLLMError {
  const got =
    typeof data === 'string'
      ? `text starting ${JSON.stringify(data.slice(0, 40))}`
      : data === null || typeof data !== 'object'
        ? String(data)
        : `an object with keys [${Object.keys(data).slice(0, 8).join(', ')}]`;
  return new AfkLLMError(
    'llm_bad_response',
    `${provider}:${model} sent a malformed response: ${what}, got ${got}`,
    {
      retryable: true,
      provider,
      model,
      ...(requestId ? { requestId } : {}),
    },
  );
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a Chat Completions body: an object with a non-empty `choices` array whose first entry has a `message` object. */
export function isChatCompletionShape(data: unknown): boolean {
  if (!isRecord(data) || !Array.isArray(data.choices) || data.choices.length === 0) return false;
  const first: unknown = data.choices[0];
  return isRecord(first) && isRecord(first.message);
}

/** Checks a Responses body: an object with an `output` array (or a `failed` status with an error). */
export function isResponseShape(data: unknown): boolean {
  return isRecord(data) && (Array.isArray(data.output) || data.status === 'failed');
}

/** Parses tool-call arguments; '' → {}, invalid JSON stays the raw string (the tool gate reports it). */
export function parseToolArgs(raw: string | undefined | null): unknown {
  if (!raw || raw.trim() === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Arguments as the wire wants them: a JSON string. */
export function stringifyArgs(args: unknown): string {
  return typeof args === 'string' ? args : JSON.stringify(args ?? {});
}

/** `structured` for a response to a `responseFormat` request: the parsed JSON text, if it parses. */
export function structuredFrom(req: LLMRequest, text: string): { structured?: unknown } {
  if (!req.responseFormat || !text) return {};
  try {
    return { structured: JSON.parse(text) as unknown };
  } catch {
    return {};
  }
}

/**
 * True when a JSON Schema satisfies OpenAI's strict structured-output subset: every object
 * lists all its properties as required and forbids additional ones. Strict mode is only
 * requested for such schemas (zod optional fields are not).
 */
export function isStrictSchema(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(isStrictSchema);
  if (typeof schema !== 'object' || schema === null) return true;
  const s = schema as Record<string, unknown>;
  if (s.type === 'object' || s.properties) {
    const props = Object.keys((s.properties as Record<string, unknown> | undefined) ?? {});
    const required = Array.isArray(s.required) ? (s.required as unknown[]) : [];
    if (s.additionalProperties !== false) return false;
    if (!props.every((p) => required.includes(p))) return false;
  }
  return Object.entries(s).every(([k, v]) => k === 'required' || isStrictSchema(v));
}

/** A JSON Schema without the `$schema` marker, which the API does not want. */
export function wireSchema(schema: JSONSchema): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

/**
 * For servers without structured output: the schema as a system instruction, so that the
 * answer can still be validated (and repaired) by `chatStructured`.
 */
export function withSchemaInstruction(req: LLMRequest): Message[] {
  if (!req.responseFormat) return req.messages;
  const instruction =
    `Answer with one JSON value only (no prose, no code fences) that matches this JSON Schema ` +
    `named "${req.responseFormat.name}":\n${JSON.stringify(wireSchema(req.responseFormat.schema))}`;
  return [...req.messages, { role: 'system', content: instruction }];
}

/** Usage from an OpenAI usage object (chat: prompt/completion; responses: input/output). */
export function usageFrom(
  u:
    | {
        prompt_tokens?: number;
        completion_tokens?: number;
        input_tokens?: number;
        output_tokens?: number;
        total_tokens?: number;
        prompt_tokens_details?: { cached_tokens?: number } | null;
        input_tokens_details?: { cached_tokens?: number } | null;
      }
    | null
    | undefined,
): LLMUsage {
  const inputTokens = u?.prompt_tokens ?? u?.input_tokens ?? 0;
  const outputTokens = u?.completion_tokens ?? u?.output_tokens ?? 0;
  const cached = u?.prompt_tokens_details?.cached_tokens ?? u?.input_tokens_details?.cached_tokens;
  return {
    inputTokens,
    outputTokens,
    totalTokens: u?.total_tokens ?? inputTokens + outputTokens,
    ...(cached === undefined ? {} : { cachedInputTokens: cached }),
  };
}
