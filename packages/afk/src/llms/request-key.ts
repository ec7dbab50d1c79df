import { hashValue } from '../internal/json.js';
import type { LLMRequest } from './types.js';

/**
 * The parts of a request that change the answer, in a stable shape: model, messages, tools,
 * toolChoice, responseFormat, temperature, topP, maxTokens, reasoningEffort. `metadata` (run ids,
 * tags) is left out, and so is everything about the connection (API key, headers).
 *
 * @example
 * normalizeRequest({ model: 'm', messages, metadata: { runId: 'r1' } }) // no `metadata`
 */
export function normalizeRequest(req: LLMRequest): Record<string, unknown> {
  return {
    model: req.model,
    messages: req.messages,
    tools: req.tools,
    toolChoice: req.toolChoice,
    responseFormat: req.responseFormat,
    temperature: req.temperature,
    topP: req.topP,
    maxTokens: req.maxTokens,
    reasoningEffort: req.reasoningEffort,
  };
}

/**
 * A deterministic key of a request (16 hex chars, key order independent) for caches, in-flight
 * coalescing and cassettes. `scope` adds what the request does not say, e.g. the provider and
 * the model actually called.
 *
 * @example
 * requestKey({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] })
 */
export function requestKey(req: LLMRequest, scope?: Record<string, string | undefined>): string {
  return hashValue(scope ? { scope, req: normalizeRequest(req) } : normalizeRequest(req));
}
