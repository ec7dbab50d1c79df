import { describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/index.js';
import { Runner } from '../core/index.js';
import { InMemoryStore } from '../memory/in-memory.js';
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

describe('secrets in provider errors, in Chromium', () => {
  it('a header key echoed by the server in a 400 reaches neither the result, the events nor the snapshot', async () => {
    const s = await remoteSession(inject('afkOpenAIServerUrl'));
    await s.enqueue({ kind: 'echo_headers', status: 400 });
    const secret = 'hdr-BROWSER-SECRET-4444';
    const model = new LLMBuilder()
      .model('gpt-4.1-mini')
      .baseURL(s.baseURL)
      .headers({ 'x-api-key': secret })
      .build();
    const store = new InMemoryStore();
    const runner = new Runner({ store });
    const result = await runner.run(new Agent({ name: 'a', model }), { userMessage: 'hi' });
    const seen = await s.requests();
    expect(seen[0]?.headers['x-api-key']).toBe(secret);
    expect(result.state).toBe('failed');
    expect(result.error?.message).toContain('rejected request with headers');
    const everything = JSON.stringify({
      result,
      events: await runner.events(result.runId),
      snapshot: await store.getSnapshot(result.runId),
    });
    expect(everything).toContain('[redacted]');
    expect(everything).not.toContain(secret);
  });
});
