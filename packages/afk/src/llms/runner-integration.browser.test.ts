import { describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/index.js';
import { Runner } from '../core/index.js';
import { tool } from '../tools/index.js';
import { LLMBuilder } from './builder.js';
import { remoteSession } from './test-support/control-client.js';
import { chatStreamReply } from './test-support/openai-fixtures.js';
import './test-support/provided-context.js';

const add = tool({
  name: 'add',
  description: 'Add two numbers',
  args: z.object({ a: z.number(), b: z.number() }),
  run: async ({ a, b }) => a + b,
  effects: 'pure',
});

describe('Runner + openai provider in Chromium (proxy baseURL)', () => {
  it('does a streamed tool round trip', async () => {
    const s = await remoteSession(inject('afkOpenAIServerUrl'));
    await s.enqueue(
      chatStreamReply({ toolCalls: [{ id: 'call_b', name: 'add', args: { a: 20, b: 22 } }] }),
      chatStreamReply({ deltas: ['forty', '-two'] }),
    );
    const model = new LLMBuilder().model('gpt-4.1-mini').baseURL(s.baseURL).build();
    const handle = new Runner().runStream(new Agent({ name: 'calc', model, tools: [add] }), {
      userMessage: '20+22?',
    });
    const deltas: string[] = [];
    for await (const ev of handle) if (ev.type === 'text_delta' && ev.textDelta) deltas.push(ev.textDelta);
    const result = await handle.result;
    expect(result).toMatchObject({ state: 'completed', finalText: 'forty-two' });
    expect(result.toolExecutions[0]).toMatchObject({ toolName: 'add', output: 42 });
    expect(deltas).toEqual(['forty', '-two']);
    const seen = await s.requests();
    expect(seen[1]?.body).toMatchObject({
      messages: expect.arrayContaining([{ role: 'tool', tool_call_id: 'call_b', content: '42' }]),
    });
  });
});
