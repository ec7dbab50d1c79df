import type { LLMClient } from '../types.js';
import { type OpenAIProviderOptions, openai } from './openai.js';

/** Options of the `openai-compatible` provider: any server speaking the OpenAI wire. */
export interface OpenAICompatibleOptions extends Omit<OpenAIProviderOptions, 'providerId' | 'baseURL'> {
  /** The server, e.g. `http://localhost:11434/v1` (Ollama), `http://localhost:1234/v1` (LM Studio). */
  baseURL: string;
}

/**
 * A client for OpenAI-wire servers (Ollama, LM Studio, vLLM, llama.cpp server, gateways).
 * Defaults differ from `openai`: no API key needed (no Authorization header without one, and
 * `OPENAI_API_KEY` is never read), `max_tokens` instead of `max_completion_tokens`, and
 * capabilities `{ streaming: true, toolCalling: true, structuredOutput: true, reasoning: false,
 * streamUsage: true }`. Declare what the server lacks: `toolCalling: false` makes a request with
 * tools fail fast with `AfkLLMError` code `unsupported`; `streaming: false` makes `stream()` call
 * `chat()` and yield its deltas then `completed`; `structuredOutput: false` sends the schema as
 * an instruction instead of `response_format`; `reasoning: false` drops `reasoning_effort`.
 *
 * @example
 * const llm = openaiCompatible({ model: 'llama3.2', baseURL: 'http://localhost:11434/v1', capabilities: { toolCalling: false } });
 */
export function openaiCompatible(options: OpenAICompatibleOptions): LLMClient {
  return openai({
    ...options,
    providerId: 'openai-compatible',
    tokenParam: options.tokenParam ?? 'max_tokens',
    capabilities: {
      streaming: true,
      toolCalling: true,
      structuredOutput: true,
      reasoning: false,
      streamUsage: true,
      ...options.capabilities,
    },
  });
}
