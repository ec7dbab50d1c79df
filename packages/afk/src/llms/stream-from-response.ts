import type { LLMResponse, LLMStreamChunk } from './types.js';

/**
 * The chunks a stream of `response` would have produced: reasoning, text, one delta per tool
 * call, then `completed`. Used for cache hits, replays of non-streamed recordings and
 * providers without streaming.
 *
 * @example
 * chunksFromResponse(res).map((c) => c.type) // ['text_delta', 'tool_call_delta', 'completed']
 */
export function chunksFromResponse(response: LLMResponse): LLMStreamChunk[] {
  const out: LLMStreamChunk[] = [];
  if (response.reasoning) out.push({ type: 'reasoning_delta', delta: response.reasoning });
  if (response.text) out.push({ type: 'text_delta', delta: response.text });
  for (const [index, call] of response.toolCalls.entries()) {
    out.push({
      type: 'tool_call_delta',
      index,
      id: call.id,
      name: call.name,
      argsDelta: typeof call.args === 'string' ? call.args : JSON.stringify(call.args),
    });
  }
  out.push({ type: 'completed', response });
  return out;
}
