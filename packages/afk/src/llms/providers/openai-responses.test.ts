import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLMBuilder } from '../builder.js';
import { responsesBody, responsesEvents } from '../test-support/openai-fixtures.js';
import { type OpenAITestServer, startOpenAITestServer } from '../test-support/openai-server.js';
import type { LLMRequest, LLMStreamChunk } from '../types.js';
import { openai } from './openai.js';

let server: OpenAITestServer;
beforeAll(async () => {
  server = await startOpenAITestServer();
});
afterAll(() => server.close());

const KEY = 'sk-test-responses-key-9876543210';
const tools = [{ name: 'add', description: 'Add', parameters: { type: 'object', properties: {} } }];

describe('openai provider, Responses API', () => {
  it('maps the transcript to input items and the output back (tool calls, reasoning, cached usage)', async () => {
    const s = server.session();
    const llm = openai({ model: 'o4-mini', apiKey: KEY, baseURL: s.baseURL, api: 'responses' });
    s.enqueue({
      kind: 'json',
      headers: { 'x-request-id': 'req_resp' },
      body: responsesBody({
        reasoning: 'thinking',
        toolCalls: [
          { id: 'call_1', name: 'add', args: { a: 1 } },
          { id: 'call_2', name: 'add', args: { a: 2 } },
        ],
        usage: { prompt: 30, completion: 10, cached: 12 },
      }),
    });
    const req: LLMRequest = {
      model: 'o4-mini',
      tools,
      toolChoice: { name: 'add' },
      reasoningEffort: 'high',
      maxTokens: 99,
      responseFormat: {
        type: 'json_schema',
        name: 'out',
        schema: { type: 'object', properties: { a: { type: 'string' } } },
      },
      messages: [
        { role: 'system', content: 'sys' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image', url: 'https://x/img.png' },
          ],
        },
        { role: 'assistant', content: 'calling', toolCalls: [{ id: 'call_0', name: 'add', args: { a: 0 } }] },
        { role: 'tool', toolCallId: 'call_0', name: 'add', content: '0' },
      ],
    };
    const res = await llm.chat(req);
    expect(s.requests[0]?.path).toBe('/v1/responses');
    expect(res).toMatchObject({
      toolCalls: [
        { id: 'call_1', name: 'add', args: { a: 1 } },
        { id: 'call_2', name: 'add', args: { a: 2 } },
      ],
      finishReason: 'tool_calls',
      reasoning: 'thinking',
      usage: { inputTokens: 30, outputTokens: 10, totalTokens: 40, cachedInputTokens: 12 },
      requestId: 'req_resp',
    });
    expect(s.requests[0]?.body).toEqual({
      model: 'o4-mini',
      store: false,
      input: [
        { role: 'system', content: 'sys' },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'look' },
            { type: 'input_image', image_url: 'https://x/img.png', detail: 'auto' },
          ],
        },
        { role: 'assistant', content: 'calling' },
        { type: 'function_call', call_id: 'call_0', name: 'add', arguments: '{"a":0}' },
        { type: 'function_call_output', call_id: 'call_0', output: '0' },
      ],
      tools: [
        {
          type: 'function',
          name: 'add',
          description: 'Add',
          parameters: { type: 'object', properties: {} },
          strict: false,
        },
      ],
      tool_choice: { type: 'function', name: 'add' },
      text: {
        format: {
          type: 'json_schema',
          name: 'out',
          schema: { type: 'object', properties: { a: { type: 'string' } } },
          strict: false,
        },
      },
      max_output_tokens: 99,
      reasoning: { effort: 'high', summary: 'auto' },
    });
  });

  it('streams text, reasoning and tool-argument deltas, then the completed response', async () => {
    const s = server.session();
    const llm = openai({ model: 'gpt-4.1-mini', apiKey: KEY, baseURL: s.baseURL, api: 'responses' });
    s.enqueue({
      kind: 'sse',
      end: 'close',
      events: responsesEvents({
        reasoning: 'hmm',
        deltas: ['Hel', 'lo'],
        text: 'Hello',
        toolCalls: [{ id: 'call_9', name: 'add', args: { a: 9 } }],
      }),
    });
    const chunks: LLMStreamChunk[] = [];
    for await (const c of llm.stream({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'hi' }],
      tools,
    })) {
      chunks.push(c);
    }
    expect(chunks.slice(0, -1)).toEqual([
      { type: 'reasoning_delta', delta: 'hmm' },
      { type: 'text_delta', delta: 'Hel' },
      { type: 'text_delta', delta: 'lo' },
      { type: 'tool_call_delta', index: 0, id: 'call_9', name: 'add', argsDelta: '' },
      { type: 'tool_call_delta', index: 0, argsDelta: '{"a":9}' },
    ]);
    const done = chunks.at(-1);
    expect(done?.type === 'completed' && done.response).toMatchObject({
      text: 'Hello',
      toolCalls: [{ id: 'call_9', name: 'add', args: { a: 9 } }],
      finishReason: 'tool_calls',
    });
    expect(s.requests[0]?.body).toMatchObject({ stream: true });
  });

  it('an error event in the stream surfaces as an AfkLLMError', async () => {
    const s = server.session();
    const llm = openai({ model: 'gpt-4.1-mini', apiKey: KEY, baseURL: s.baseURL, api: 'responses' });
    s.enqueue({
      kind: 'sse',
      end: 'close',
      events: [
        {
          event: 'error',
          data: { type: 'error', code: 'server_error', message: 'boom', param: null, sequence_number: 0 },
        },
      ],
    });
    const run = async () => {
      for await (const _ of llm.stream({ model: 'm', messages: [{ role: 'user', content: 'x' }] })) {
        // drain
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'AfkLLMError' });
  });

  it('works through LLMBuilder with .api("responses")', async () => {
    const s = server.session();
    const llm = new LLMBuilder()
      .provider('openai')
      .model('gpt-4.1-mini')
      .apiKey(KEY)
      .baseURL(s.baseURL)
      .api('responses')
      .build();
    s.enqueue({
      kind: 'json',
      body: responsesBody({ text: 'from responses', usage: { prompt: 1_000_000, completion: 0 } }),
    });
    const res = await llm.chat({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(res.text).toBe('from responses');
    // 1M input tokens of gpt-4.1-mini at the list price.
    expect(res.costUsd).toBeCloseTo(0.4, 6);
  });
});
