import { describe, expect, inject, it } from 'vitest';
import { LLMBuilder } from '../builder.js';
import { remoteSession } from '../test-support/control-client.js';
import { chatReply, chatStreamReply } from '../test-support/openai-fixtures.js';
import '../test-support/provided-context.js';
import type { LLMStreamChunk } from '../types.js';
import { openai } from './openai.js';

const url = inject('afkOpenAIServerUrl');
const ask = { model: 'gpt-4.1-mini', messages: [{ role: 'user' as const, content: 'hi from chromium' }] };

describe('openai provider in a real browser', () => {
  it('refuses to send a key to OpenAI from a browser without a proxy or explicit consent', () => {
    expect(() => openai({ model: 'gpt-4.1-mini', apiKey: 'sk-browser-123456' })).toThrow(/proxy/);
  });

  it('talks to a proxy baseURL: tool call, then streamed text, no Authorization without a key', async () => {
    const s = await remoteSession(url);
    await s.enqueue(
      chatReply({ toolCalls: [{ id: 'call_1', name: 'add', args: { a: 1, b: 2 } }] }),
      chatStreamReply({ deltas: ['hel', 'lo'] }),
    );
    const llm = new LLMBuilder().provider('openai').model('gpt-4.1-mini').baseURL(s.baseURL).build();
    const first = await llm.chat({
      ...ask,
      tools: [{ name: 'add', description: 'Add', parameters: { type: 'object' } }],
    });
    expect(first.toolCalls).toEqual([{ id: 'call_1', name: 'add', args: { a: 1, b: 2 } }]);
    const chunks: LLMStreamChunk[] = [];
    for await (const c of llm.stream(ask)) chunks.push(c);
    expect(chunks.map((c) => (c.type === 'text_delta' ? c.delta : c.type))).toEqual([
      'hel',
      'lo',
      'completed',
    ]);
    const seen = await s.requests();
    expect(seen).toHaveLength(2);
    expect(seen[0]?.headers.authorization).toBeUndefined();
    expect(seen[0]?.headers['x-stainless-runtime']).toBe('browser:chrome');
  });

  it('with dangerouslyAllowBrowser the key is sent, and retries work in the browser', async () => {
    const s = await remoteSession(url);
    await s.enqueue(
      { kind: 'json', status: 503, body: { error: { message: 'busy' } } },
      chatReply({ text: 'ok' }),
    );
    const llm = new LLMBuilder()
      .model('gpt-4.1-mini')
      .apiKey('sk-browser-consent-123456')
      .baseURL(s.baseURL)
      .dangerouslyAllowBrowser()
      .retry({ maxRetries: 1, baseDelayMs: 1 })
      .build();
    expect((await llm.chat(ask)).text).toBe('ok');
    const seen = await s.requests();
    expect(seen).toHaveLength(2);
    expect(seen[1]?.headers.authorization).toBe('Bearer sk-browser-consent-123456');
  });
});
