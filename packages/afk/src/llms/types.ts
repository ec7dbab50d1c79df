import { z } from 'zod';
import type { JSONSchema } from '../internal/json.js';

/** A part of a user/system message. */
export const ContentPartSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('image'), url: z.string(), detail: z.enum(['low', 'high', 'auto']).optional() }),
]);
export type ContentPart = z.infer<typeof ContentPartSchema>;

export const ToolCallSchema = z.object({ id: z.string().min(1), name: z.string().min(1), args: z.unknown() });
/** A tool call as the model asked for it. `args` is the parsed JSON the model produced. */
export type ToolCall = { id: string; name: string; args: unknown };

export const MessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: z.union([z.string(), z.array(ContentPartSchema)]) }),
  z.object({ role: z.literal('user'), content: z.union([z.string(), z.array(ContentPartSchema)]) }),
  z.object({
    role: z.literal('assistant'),
    content: z.string(),
    toolCalls: z.array(ToolCallSchema).optional(),
  }),
  z.object({
    role: z.literal('tool'),
    toolCallId: z.string(),
    name: z.string(),
    content: z.string(),
    isError: z.boolean().optional(),
  }),
]);

/**
 * Provider-neutral message; the transcript is stored in this form. Tool calls stay native:
 * assistant messages carry `toolCalls`, tool results are keyed by `toolCallId`.
 */
export type Message =
  | { role: 'system' | 'user'; content: string | ContentPart[] }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean };

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };
export type ReasoningEffort = 'low' | 'medium' | 'high';

/** A tool as offered to a model. */
export interface LLMToolSpec {
  name: string;
  description: string;
  parameters: JSONSchema;
}

/** One request to a model, provider-neutral. */
export interface LLMRequest {
  model: string;
  messages: Message[];
  tools?: LLMToolSpec[];
  toolChoice?: ToolChoice;
  responseFormat?: { type: 'json_schema'; name: string; schema: JSONSchema };
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  reasoningEffort?: ReasoningEffort;
  metadata?: Record<string, string>;
}

export interface LLMUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cachedInputTokens?: number;
}

export type FinishReason = 'stop' | 'tool_calls' | 'length' | 'content_filter' | 'error';

/** One complete model answer. */
export interface LLMResponse {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: LLMUsage;
  model: string;
  costUsd?: number;
  structured?: unknown;
  requestId?: string;
  reasoning?: string;
  /** Set when a fallback model answered: the model that was asked for first (`model` says who answered). */
  requestedModel?: string;
}

export const LLMUsageSchema = z.object({
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
  totalTokens: z.number().nonnegative(),
  cachedInputTokens: z.number().nonnegative().optional(),
});

export const LLMResponseSchema = z.object({
  text: z.string(),
  toolCalls: z.array(ToolCallSchema),
  finishReason: z.enum(['stop', 'tool_calls', 'length', 'content_filter', 'error']),
  usage: LLMUsageSchema,
  model: z.string(),
  costUsd: z.number().optional(),
  structured: z.unknown().optional(),
  requestId: z.string().optional(),
  reasoning: z.string().optional(),
  requestedModel: z.string().optional(),
});

/** A piece of a streamed answer; `completed` is always last and carries the whole response. */
export type LLMStreamChunk =
  | { type: 'text_delta'; delta: string }
  | { type: 'reasoning_delta'; delta: string }
  | { type: 'tool_call_delta'; index: number; id?: string; name?: string; argsDelta: string }
  | { type: 'completed'; response: LLMResponse };

export interface LLMCapabilities {
  streaming: boolean;
  toolCalling: boolean;
  structuredOutput: boolean;
  reasoning: boolean;
}

export interface LLMCallOptions {
  signal?: AbortSignal;
}

/**
 * A model client: what an agent's `model` resolves to. Build one with `LLMBuilder`, or use
 * `scripted(...)` for deterministic demos and tests.
 */
export interface LLMClient {
  readonly provider: string;
  readonly model: string;
  readonly capabilities: LLMCapabilities;
  chat(req: LLMRequest, opts?: LLMCallOptions): Promise<LLMResponse>;
  stream(req: LLMRequest, opts?: LLMCallOptions): AsyncIterable<LLMStreamChunk>;
}

/** Resolves a model string such as `'openai:gpt-4.1-mini'` to a client (the runner's `llms` option). */
export type LLMResolver = (model: string) => LLMClient;

/** Text of the last user message of a request ('' if none). */
export function lastUserText(req: LLMRequest): string {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const m = req.messages[i];
    if (m?.role === 'user') return contentText(m.content);
  }
  return '';
}

/** Plain text of message content (image parts dropped). */
export function contentText(content: string | ContentPart[]): string {
  if (typeof content === 'string') return content;
  return content.map((p) => (p.type === 'text' ? p.text : '')).join('');
}

export function emptyUsage(): LLMUsage {
  return { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
}
