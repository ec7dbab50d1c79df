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
