import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/index.js';
import { Runner } from '../core/index.js';
import { tool } from '../tools/index.js';
import { LLMBuilder } from './builder.js';
import { chatReply, chatStreamReply } from './test-support/openai-fixtures.js';
import { type OpenAITestServer, startOpenAITestServer } from './test-support/openai-server.js';

/** The Runner driving a real openai-provider client (real SDK) against the local test server. */

let server: OpenAITestServer;
beforeAll(async () => {
  server = await startOpenAITestServer();
});
afterAll(() => server.close());

const add = tool({
  name: 'add',
  description: 'Add two numbers',
  args: z.object({ a: z.number(), b: z.number() }),
  run: async ({ a, b }) => a + b,
  effects: 'pure',
});

describe('Runner + openai provider', () => {
  it('does a tool round trip: the provider receives the tool result natively, keyed by call id', async () => {
    const s = server.session();
    s.enqueue(
      chatReply({
        toolCalls: [{ id: 'call_add', name: 'add', args: { a: 1, b: 2 } }],
        usage: { prompt: 100, completion: 10 },
      }),
      chatReply({ text: 'final answer', usage: { prompt: 120, completion: 5 } }),
    );
    const model = new LLMBuilder()
      .model('gpt-4.1-mini')
      .apiKey('sk-runner-test-123456')
      .baseURL(s.baseURL)
      .build();
    const agent = new Agent({ name: 'calc', model, tools: [add], instructions: 'Use tools.' });
    const runner = new Runner();
    const result = await runner.run(agent, { userMessage: 'what is 1+2?' });
    expect(JSON.stringify(await runner.events(result.runId))).not.toContain('sk-runner-test');
    expect(result.state).toBe('completed');
    expect(result.finalText).toBe('final answer');
    expect(result.toolExecutions).toMatchObject([
      { toolName: 'add', toolCallId: 'call_add', success: true, output: 3 },
    ]);
    expect(result.usage.inputTokens).toBe(220);
    expect(result.usage.costUsd).toBeGreaterThan(0);

    const second = s.requests[1]?.body as { messages: Array<Record<string, unknown>>; tools: unknown[] };
    expect(second.tools).toHaveLength(1);
    expect(second.messages.at(-2)).toMatchObject({
      role: 'assistant',
      tool_calls: [
        { id: 'call_add', type: 'function', function: { name: 'add', arguments: '{"a":1,"b":2}' } },
      ],
    });
    expect(second.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_add', content: '3' });
  });

  it('streams the provider deltas through runStream in order', async () => {
    const s = server.session();
    s.enqueue(
      chatStreamReply({ toolCalls: [{ id: 'call_s', name: 'add', args: { a: 2, b: 2 } }] }),
      chatStreamReply({ deltas: ['fo', 'ur'] }),
    );
    const model = new LLMBuilder()
      .model('gpt-4.1-mini')
      .apiKey('sk-runner-test-123456')
      .baseURL(s.baseURL)
      .build();
    const handle = new Runner().runStream(new Agent({ name: 'calc', model, tools: [add] }), {
      userMessage: '2+2?',
    });
    const text: string[] = [];
    const types = new Set<string>();
    for await (const ev of handle) {
      types.add(ev.type);
      if (ev.type === 'text_delta' && ev.textDelta) text.push(ev.textDelta);
    }
    const result = await handle.result;
    expect(text).toEqual(['fo', 'ur']);
    expect(types.has('tool_input_delta')).toBe(true);
    expect(result).toMatchObject({ state: 'completed', finalText: 'four' });
    expect(result.toolExecutions[0]?.output).toBe(4);
  });
});
