import type { ScriptedReply, SseEvent } from './openai-server.js';

/** Browser-safe builders of OpenAI wire payloads for the test server (no node imports here). */

export interface FixtureToolCall {
  id: string;
  name: string;
  args: unknown;
}

export interface FixtureTurn {
  text?: string;
  toolCalls?: FixtureToolCall[];
  model?: string;
  usage?: { prompt: number; completion: number; cached?: number };
  finishReason?: string;
}

const usageOf = (t: FixtureTurn) => {
  const u = t.usage ?? { prompt: 10, completion: 5 };
  return {
    prompt_tokens: u.prompt,
    completion_tokens: u.completion,
    total_tokens: u.prompt + u.completion,
    ...(u.cached === undefined ? {} : { prompt_tokens_details: { cached_tokens: u.cached } }),
  };
};

/** A `chat.completion` body. */
export function chatCompletion(t: FixtureTurn): Record<string, unknown> {
  const calls = t.toolCalls ?? [];
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1,
    model: t.model ?? 'gpt-4.1-mini-2025-04-14',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: t.text ?? null,
          ...(calls.length
            ? {
                tool_calls: calls.map((c) => ({
                  id: c.id,
                  type: 'function',
                  function: { name: c.name, arguments: JSON.stringify(c.args) },
                })),
              }
            : {}),
        },
        finish_reason: t.finishReason ?? (calls.length ? 'tool_calls' : 'stop'),
      },
    ],
    usage: usageOf(t),
  };
}

/** A JSON reply carrying a chat completion. */
export function chatReply(t: FixtureTurn, headers: Record<string, string> = {}): ScriptedReply {
  return { kind: 'json', body: chatCompletion(t), headers: { 'x-request-id': 'req_test_1', ...headers } };
}

/** SSE events of a streamed chat completion: text in `deltas`, tool args split in two halves. */
export function chatChunks(
  t: FixtureTurn & { deltas?: string[]; delayMs?: number; includeFinish?: boolean },
): SseEvent[] {
  const model = t.model ?? 'gpt-4.1-mini-2025-04-14';
  const base = { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1, model };
  const ev = (delta: Record<string, unknown>, finish: string | null = null): SseEvent => ({
    data: { ...base, choices: [{ index: 0, delta, finish_reason: finish }] },
    ...(t.delayMs ? { delayMs: t.delayMs } : {}),
  });
  const out: SseEvent[] = [ev({ role: 'assistant', content: '' })];
  for (const d of t.deltas ?? (t.text ? [t.text] : [])) out.push(ev({ content: d }));
  for (const [index, c] of (t.toolCalls ?? []).entries()) {
    const args = JSON.stringify(c.args);
    const half = Math.ceil(args.length / 2);
    out.push(
      ev({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }),
    );
    out.push(ev({ tool_calls: [{ index, function: { arguments: args.slice(0, half) } }] }));
    out.push(ev({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] }));
  }
  if (t.includeFinish !== false) {
    out.push(ev({}, t.finishReason ?? (t.toolCalls?.length ? 'tool_calls' : 'stop')));
    out.push({ data: { ...base, choices: [], usage: usageOf(t) } });
  }
  return out;
}

/** An SSE reply streaming a chat completion. */
export function chatStreamReply(
  t: FixtureTurn & { deltas?: string[]; delayMs?: number },
  end: 'done' | 'cut' | 'idle' = 'done',
): ScriptedReply {
  return {
    kind: 'sse',
    events: chatChunks({ ...t, includeFinish: end === 'done' }),
    end,
    headers: { 'x-request-id': 'req_stream_1' },
  };
}

/** A Responses API `response` object. */
export function responsesBody(t: FixtureTurn & { reasoning?: string }): Record<string, unknown> {
  const output: unknown[] = [];
  if (t.reasoning) {
    output.push({ type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: t.reasoning }] });
  }
  if (t.text !== undefined) {
    output.push({
      type: 'message',
      id: 'msg_1',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: t.text, annotations: [] }],
    });
  }
  for (const c of t.toolCalls ?? []) {
    output.push({
      type: 'function_call',
      id: `fc_${c.id}`,
      call_id: c.id,
      name: c.name,
      arguments: JSON.stringify(c.args),
      status: 'completed',
    });
  }
  const u = t.usage ?? { prompt: 10, completion: 5 };
  return {
    id: 'resp_test',
    object: 'response',
    created_at: 1,
    status: 'completed',
    model: t.model ?? 'gpt-4.1-mini-2025-04-14',
    output,
    usage: {
      input_tokens: u.prompt,
      input_tokens_details: { cached_tokens: u.cached ?? 0 },
      output_tokens: u.completion,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: u.prompt + u.completion,
    },
  };
}

/** SSE events of a streamed Responses API answer. */
export function responsesEvents(t: FixtureTurn & { deltas?: string[]; reasoning?: string }): SseEvent[] {
  const out: SseEvent[] = [];
  let seq = 0;
  const push = (type: string, payload: Record<string, unknown>) =>
    out.push({ event: type, data: { type, sequence_number: seq++, ...payload } });
  push('response.created', { response: { ...responsesBody({}), status: 'in_progress', output: [] } });
  let outputIndex = 0;
  if (t.reasoning) {
    push('response.reasoning_summary_text.delta', {
      item_id: 'rs_1',
      output_index: outputIndex++,
      summary_index: 0,
      delta: t.reasoning,
    });
  }
  for (const d of t.deltas ?? (t.text ? [t.text] : [])) {
    push('response.output_text.delta', {
      item_id: 'msg_1',
      output_index: outputIndex,
      content_index: 0,
      delta: d,
      logprobs: [],
    });
  }
  if (t.text !== undefined) outputIndex++;
  for (const c of t.toolCalls ?? []) {
    const item = {
      type: 'function_call',
      id: `fc_${c.id}`,
      call_id: c.id,
      name: c.name,
      arguments: '',
      status: 'in_progress',
    };
    push('response.output_item.added', { output_index: outputIndex, item });
    push('response.function_call_arguments.delta', {
      item_id: item.id,
      output_index: outputIndex,
      delta: JSON.stringify(c.args),
    });
    outputIndex++;
  }
  push('response.completed', { response: responsesBody(t) });
  return out;
}
