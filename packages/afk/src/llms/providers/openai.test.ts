import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatReply, chatStreamReply } from '../test-support/openai-fixtures.js';
import { type OpenAITestServer, startOpenAITestServer } from '../test-support/openai-server.js';
import { rejection } from '../test-support/rejection.js';
import type { LLMRequest, LLMStreamChunk } from '../types.js';
import { openai } from './openai.js';
import { openaiCompatible } from './openai-compatible.js';

let server: OpenAITestServer;
beforeAll(async () => {
  server = await startOpenAITestServer();
});
afterAll(() => server.close());

const KEY = 'sk-test-very-secret-key-0123456789';
const tools = [
  {
    name: 'add',
    description: 'Add',
    parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
  },
];
const ask = (content: string): LLMRequest => ({
  model: 'gpt-4.1-mini',
  messages: [{ role: 'user', content }],
});

async function collect(it: AsyncIterable<LLMStreamChunk>): Promise<LLMStreamChunk[]> {
  const out: LLMStreamChunk[] = [];
  for await (const c of it) out.push(c);
  return out;
}

describe('openai provider (chat completions, real SDK against a local server)', () => {
  it('does a tool-call round trip with native tool messages, usage, cost-free thin response and request id', async () => {
    const s = server.session();
    const llm = openai({ model: 'gpt-4.1-mini', apiKey: KEY, baseURL: s.baseURL });
    s.enqueue(
      chatReply({
        toolCalls: [{ id: 'call_1', name: 'add', args: { a: 1, b: 2 } }],
        usage: { prompt: 20, completion: 7, cached: 8 },
      }),
      chatReply({ text: 'final answer' }),
    );
    const first = await llm.chat({
      ...ask('add 1 and 2'),
      tools,
      toolChoice: 'auto',
      temperature: 0.2,
      maxTokens: 50,
    });
    expect(first.toolCalls).toEqual([{ id: 'call_1', name: 'add', args: { a: 1, b: 2 } }]);
    expect(first.finishReason).toBe('tool_calls');
    expect(first.usage).toEqual({ inputTokens: 20, outputTokens: 7, totalTokens: 27, cachedInputTokens: 8 });
    expect(first.requestId).toBe('req_test_1');
    expect(first.model).toBe('gpt-4.1-mini-2025-04-14');

    const second = await llm.chat({
      ...ask('add 1 and 2'),
      tools,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'add 1 and 2' },
        { role: 'assistant', content: '', toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: 'call_1', name: 'add', content: '3' },
      ],
    });
    expect(second.text).toBe('final answer');

    const body0 = s.requests[0]?.body as Record<string, unknown>;
    expect(s.requests[0]?.path).toBe('/v1/chat/completions');
    expect(s.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(body0).toMatchObject({
      model: 'gpt-4.1-mini',
      temperature: 0.2,
      max_completion_tokens: 50,
      tool_choice: 'auto',
      tools: [{ type: 'function', function: { name: 'add', description: 'Add' } }],
    });
    expect((s.requests[1]?.body as { messages?: unknown[] } | undefined)?.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'add 1 and 2' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'add', arguments: '{"a":1,"b":2}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '3' },
    ]);
  });

  it('streams text deltas in order, then a completed chunk with usage', async () => {
    const s = server.session();
    const llm = openai({ model: 'gpt-4.1-mini', apiKey: KEY, baseURL: s.baseURL });
    s.enqueue(
      chatStreamReply({
        deltas: ['hel', 'lo', ' world'],
        text: 'hello world',
        usage: { prompt: 3, completion: 4 },
      }),
    );
    const chunks = await collect(llm.stream(ask('hi')));
    expect(chunks.map((c) => (c.type === 'text_delta' ? c.delta : c.type))).toEqual([
      'hel',
      'lo',
      ' world',
      'completed',
    ]);
    const done = chunks.at(-1);
    expect(done?.type === 'completed' && done.response).toMatchObject({
      text: 'hello world',
      finishReason: 'stop',
      usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
      requestId: 'req_stream_1',
    });
    expect(s.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('streams parallel tool calls as indexed argument deltas and assembles them', async () => {
    const s = server.session();
    const llm = openai({ model: 'gpt-4.1-mini', apiKey: KEY, baseURL: s.baseURL, parallelToolCalls: true });
    s.enqueue(
      chatStreamReply({
        toolCalls: [
          { id: 'call_a', name: 'add', args: { a: 1, b: 2 } },
          { id: 'call_b', name: 'add', args: { a: 3, b: 4 } },
        ],
      }),
    );
    const chunks = await collect(llm.stream({ ...ask('two sums'), tools }));
    const deltas = chunks.filter((c) => c.type === 'tool_call_delta');
    expect(deltas[0]).toEqual({
      type: 'tool_call_delta',
      index: 0,
      id: 'call_a',
      name: 'add',
      argsDelta: '',
    });
    expect(
      deltas
        .filter((d) => d.index === 1)
        .map((d) => d.argsDelta)
        .join(''),
    ).toBe('{"a":3,"b":4}');
    const done = chunks.at(-1);
    expect(done?.type === 'completed' && done.response.toolCalls).toEqual([
      { id: 'call_a', name: 'add', args: { a: 1, b: 2 } },
      { id: 'call_b', name: 'add', args: { a: 3, b: 4 } },
    ]);
    expect(done?.type === 'completed' && done.response.finishReason).toBe('tool_calls');
    expect(s.requests[0]?.body).toMatchObject({ parallel_tool_calls: true });
  });

  it('sends json_schema response format (strict when the schema allows) and reasoning effort; parses structured', async () => {
    const s = server.session();
    const llm = openai({ model: 'o4-mini', apiKey: KEY, baseURL: s.baseURL });
    s.enqueue(chatReply({ text: '{"city":"Oslo"}' }));
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    };
    const res = await llm.chat({
      ...ask('where?'),
      responseFormat: { type: 'json_schema', name: 'place', schema: { $schema: 'x', ...schema } },
      reasoningEffort: 'low',
    });
    expect(res.structured).toEqual({ city: 'Oslo' });
    expect(s.requests[0]?.body).toMatchObject({
      reasoning_effort: 'low',
      response_format: { type: 'json_schema', json_schema: { name: 'place', schema, strict: true } },
    });
  });

  it('maps errors to classified AfkLLMErrors with status, request id and Retry-After, key scrubbed', async () => {
    const s = server.session();
    const llm = openai({ model: 'gpt-4.1-mini', apiKey: KEY, baseURL: s.baseURL });
    s.enqueue(
      {
        kind: 'json',
        status: 429,
        headers: { 'retry-after': '2', 'x-request-id': 'req_429' },
        body: { error: { message: 'slow down' } },
      },
      { kind: 'json', status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}` } } },
      { kind: 'raw', body: '{"choices": [ this is not json' },
    );
    await expect(llm.chat(ask('x'))).rejects.toMatchObject({
      name: 'AfkLLMError',
      code: 'llm_rate_limited',
      status: 429,
      retryable: true,
      retryAfterMs: 2000,
      requestId: 'req_429',
    });
    const auth = await rejection(llm.chat(ask('x')));
    expect(auth).toMatchObject({ code: 'llm_auth', status: 401, retryable: false });
    expect(auth.message).toContain('[redacted]');
    expect(auth.message).not.toContain(KEY);
    expect(inspect(auth, { depth: 10 })).not.toContain(KEY);
    await expect(llm.chat(ask('x'))).rejects.toMatchObject({ code: 'llm_bad_response' });
  });

  it('a browserless Node client without key and baseURL is refused at construction', () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      expect(() => openai({ model: 'gpt-4.1-mini' })).toThrow(/no API key/);
      process.env.OPENAI_API_KEY = 'sk-from-env';
      expect(openai({ model: 'gpt-4.1-mini' }).provider).toBe('openai');
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
  });
});

describe('openai-compatible provider', () => {
  it('sends no Authorization without a key and uses max_tokens', async () => {
    const s = server.session();
    const llm = openaiCompatible({ model: 'llama3.2', baseURL: s.baseURL });
    s.enqueue(chatReply({ text: 'hi', model: 'llama3.2' }));
    const res = await llm.chat({ ...ask('x'), maxTokens: 9, reasoningEffort: 'high' });
    expect(res).toMatchObject({ text: 'hi', model: 'llama3.2' });
    expect(llm.provider).toBe('openai-compatible');
    expect(s.requests[0]?.headers.authorization).toBeUndefined();
    expect(s.requests[0]?.body).toMatchObject({ max_tokens: 9 });
    expect(s.requests[0]?.body).not.toHaveProperty('reasoning_effort');
  });

  it('fails fast with unsupported when tools are requested from a server without tool calling', async () => {
    const s = server.session();
    const llm = openaiCompatible({ model: 'tiny', baseURL: s.baseURL, capabilities: { toolCalling: false } });
    await expect(llm.chat({ ...ask('x'), tools })).rejects.toMatchObject({
      name: 'AfkLLMError',
      code: 'unsupported',
    });
    expect(s.requests).toHaveLength(0);
  });

  it('without streaming, stream() calls chat and yields deltas then completed', async () => {
    const s = server.session();
    const llm = openaiCompatible({ model: 'tiny', baseURL: s.baseURL, capabilities: { streaming: false } });
    s.enqueue(chatReply({ text: 'whole answer', toolCalls: [{ id: 'c1', name: 'add', args: { a: 1 } }] }));
    const chunks = await collect(llm.stream({ ...ask('x'), tools }));
    expect(chunks.map((c) => c.type)).toEqual(['text_delta', 'tool_call_delta', 'completed']);
    expect(s.requests[0]?.body).not.toHaveProperty('stream');
    expect(llm.capabilities.streaming).toBe(false);
  });

  it('without structured output, the schema travels as an instruction instead of response_format', async () => {
    const s = server.session();
    const llm = openaiCompatible({
      model: 'tiny',
      baseURL: s.baseURL,
      capabilities: { structuredOutput: false },
    });
    s.enqueue(chatReply({ text: '{"ok":true}' }));
    const res = await llm.chat({
      ...ask('x'),
      responseFormat: { type: 'json_schema', name: 'r', schema: { type: 'object' } },
    });
    expect(res.structured).toEqual({ ok: true });
    const body = s.requests[0]?.body as { messages: Array<{ role: string; content: string }> };
    expect(body).not.toHaveProperty('response_format');
    expect(body.messages.at(-1)?.content).toContain('JSON Schema');
  });
});
