import type OpenAI from 'openai';
import type { Response } from 'openai/resources/responses/responses';
import { AfkConfigError, AfkLLMError } from '../../errors/index.js';
import { abortReason } from '../../internal/abort.js';
import { credentialSecrets, toLLMError } from '../provider-error.js';
import { chunksFromResponse } from '../stream-from-response.js';
import type { LLMCallOptions, LLMClient, LLMRequest, LLMResponse, LLMStreamChunk } from '../types.js';
import { ChatStreamAssembler, fromChatCompletion, toChatParams } from './openai-chat.js';
import { fromResponse, ResponsesStreamAssembler, toResponsesParams } from './openai-responses.js';
import { assertBrowserSafe, createOpenAISdk, type OpenAIConnection } from './openai-sdk.js';
import type { WireCapabilities } from './openai-shared.js';

/** Options of the thin `openai` provider (no retries, no timeouts: `LLMBuilder` adds those). */
export interface OpenAIProviderOptions {
  model: string;
  /** Default: `process.env.OPENAI_API_KEY` in Node (provider 'openai' only). Kept in memory only. */
  apiKey?: string;
  /** Default: https://api.openai.com/v1. In a browser: your proxy. */
  baseURL?: string;
  /** Which OpenAI API to speak (default 'chat'). */
  api?: 'chat' | 'responses';
  /** Allow a browser to send the key to OpenAI directly (default false). */
  dangerouslyAllowBrowser?: boolean;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Provider id reported by the client (default 'openai'). */
  providerId?: string;
  /** What the server supports (default: everything). */
  capabilities?: Partial<WireCapabilities>;
  /** Send `parallel_tool_calls` (default: leave to the server, which allows parallel calls). */
  parallelToolCalls?: boolean;
  /** Token limit parameter (default `max_completion_tokens`). */
  tokenParam?: 'max_completion_tokens' | 'max_tokens';
}

const FULL: WireCapabilities = {
  streaming: true,
  toolCalling: true,
  structuredOutput: true,
  reasoning: true,
  streamUsage: true,
};

/** A response body as JSON, or as its text when it is not JSON (validated by the caller). */
async function readBody(res: globalThis.Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function envApiKey(): string | undefined {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> } };
  return g.process?.env?.OPENAI_API_KEY || undefined;
}

/**
 * The thin OpenAI provider on the official `openai` package (loaded on first call): Chat
 * Completions or Responses API, native (parallel) tool calls, streaming text / reasoning /
 * tool-argument deltas, structured output (`responseFormat` → json_schema, strict when the
 * schema allows), reasoning effort, usage with cached tokens, request ids, abort through the
 * signal. Errors become classified `AfkLLMError`s with the key scrubbed. Most code should use
 * `LLMBuilder`, which wraps this with retries, timeouts, breaker, cache and fallbacks.
 *
 * @example
 * const llm = openai({ model: 'gpt-4.1-mini', api: 'responses' });
 * const res = await llm.chat({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] });
 */
export function openai(options: OpenAIProviderOptions): LLMClient {
  const providerId = options.providerId ?? 'openai';
  const model = options.model;
  const api = options.api ?? 'chat';
  const caps: WireCapabilities = { ...FULL, ...options.capabilities };
  const conn: OpenAIConnection = {
    apiKey: options.apiKey ?? (providerId === 'openai' ? envApiKey() : undefined),
    baseURL: options.baseURL,
    dangerouslyAllowBrowser: options.dangerouslyAllowBrowser,
    headers: options.headers,
  };
  const label = `${providerId}:${model}`;
  if (!conn.apiKey && !conn.baseURL) {
    throw new AfkConfigError('invalid_config', `${label}: no API key (pass apiKey or set OPENAI_API_KEY)`, {
      issues: [{ path: ['apiKey'], message: 'required unless a baseURL (proxy or local server) is given' }],
    });
  }
  assertBrowserSafe(conn, label);
  let sdk: Promise<OpenAI> | undefined;
  const client = () => {
    sdk ??= createOpenAISdk(conn);
    return sdk;
  };
  const fail = (e: unknown, signal: AbortSignal | undefined): never => {
    if (signal?.aborted) throw abortReason(signal);
    throw toLLMError(e, {
      provider: providerId,
      model,
      secrets: credentialSecrets(conn.apiKey, conn.headers),
    });
  };
  const check = (req: LLMRequest) => {
    if (req.tools?.length && !caps.toolCalling) {
      throw new AfkLLMError(
        'unsupported',
        `${label} does not support tool calling (capabilities.toolCalling is false)`,
        {
          provider: providerId,
          model,
        },
      );
    }
  };
  const chatParams = (req: LLMRequest) =>
    toChatParams(req, {
      model,
      capabilities: caps,
      tokenParam: options.tokenParam ?? 'max_completion_tokens',
      parallelToolCalls: options.parallelToolCalls,
    });
  const responsesParams = (req: LLMRequest) =>
    toResponsesParams(req, { model, capabilities: caps, parallelToolCalls: options.parallelToolCalls });

  const chat = async (req: LLMRequest, opts?: LLMCallOptions): Promise<LLMResponse> => {
    check(req);
    const signal = opts?.signal;
    try {
      const c = await client();
      if (api === 'responses') {
        // The raw body, parsed here: the SDK's own post-processing of a Responses body throws a
        // bare TypeError on a non-object (an HTML page from a proxy), which reads like a network
        // failure; `fromResponse` reports any malformed body as llm_bad_response instead.
        const raw = await c.responses.create(responsesParams(req), { signal }).asResponse();
        const data = await readBody(raw);
        return fromResponse(
          data as Response,
          req,
          model,
          raw.headers.get('x-request-id') ?? undefined,
          providerId,
        );
      }
      const r = await c.chat.completions.create(chatParams(req), { signal }).withResponse();
      return fromChatCompletion(r.data, req, model, r.request_id ?? undefined, providerId);
    } catch (e) {
      return fail(e, signal);
    }
  };

  async function* stream(req: LLMRequest, opts?: LLMCallOptions): AsyncGenerator<LLMStreamChunk> {
    if (!caps.streaming) {
      yield* chunksFromResponse(await chat(req, opts));
      return;
    }
    check(req);
    const signal = opts?.signal;
    try {
      const c = await client();
      if (api === 'responses') {
        const r = await c.responses
          .create({ ...responsesParams(req), stream: true }, { signal })
          .withResponse();
        const asm = new ResponsesStreamAssembler(req, model);
        for await (const ev of r.data) {
          for (const chunk of asm.push(ev, r.request_id ?? undefined)) yield chunk;
          if (asm.done) return;
        }
        throw new AfkLLMError('llm_bad_response', `${label} stream ended before response.completed`, {
          retryable: true,
          provider: providerId,
          model,
        });
      }
      const params = {
        ...chatParams(req),
        stream: true as const,
        ...(caps.streamUsage ? { stream_options: { include_usage: true } } : {}),
      };
      const r = await c.chat.completions.create(params, { signal }).withResponse();
      const asm = new ChatStreamAssembler(req, model);
      for await (const chunk of r.data) for (const out of asm.push(chunk)) yield out;
      if (!asm.finished) {
        // A closed connection, or a server that ignored `stream: true` (declare capabilities.streaming: false).
        throw new AfkLLMError('llm_bad_response', `${label} stream ended without a finish reason`, {
          retryable: true,
          provider: providerId,
          model,
        });
      }
      yield { type: 'completed', response: asm.response(r.request_id ?? undefined) };
    } catch (e) {
      fail(e, signal);
    }
  }

  return {
    provider: providerId,
    model,
    capabilities: {
      streaming: caps.streaming,
      toolCalling: caps.toolCalling,
      structuredOutput: caps.structuredOutput,
      reasoning: caps.reasoning,
    },
    chat,
    stream,
  };
}
