import { afterEach, describe, expect, it } from 'vitest';
import { LLMBuilder } from '../builder.js';
import { registerProvider, resetLLMState } from '../registry.js';
import type { LLMClient, LLMRequest } from '../types.js';

const req: LLMRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

/** A provider that answers with the API key's last 4 chars: who paid for the answer. */
function keyEcho(calls: { n: number }) {
  return (c: {
    model: string | undefined;
    apiKey: string | undefined;
    headers: Record<string, string> | undefined;
  }): LLMClient => ({
    provider: 'key-echo',
    model: c.model ?? 'm',
    capabilities: { streaming: true, toolCalling: true, structuredOutput: true, reasoning: false },
    async chat() {
      calls.n++;
      await new Promise((r) => setTimeout(r, 5));
      return {
        text: `${(c.apiKey ?? '').slice(-4)}|${c.headers?.['x-tenant'] ?? ''}`,
        toolCalls: [],
        finishReason: 'stop',
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        model: c.model ?? 'm',
      };
    },
    async *stream() {
      yield* [];
      throw new Error('unused');
    },
  });
}

afterEach(() => resetLLMState());

describe('state shared per (provider, model, baseURL) never mixes credentials', () => {
  it('a cached answer bought with one API key is not served to a client with another key', async () => {
    const calls = { n: 0 };
    registerProvider('key-echo', keyEcho(calls));
    const build = (key: string) =>
      new LLMBuilder().provider('key-echo').model('m').apiKey(key).cache({ ttlMs: 60_000 }).build();
    expect((await build('sk-tenant-AAAA').chat(req)).text).toBe('AAAA|');
    expect((await build('sk-tenant-BBBB').chat(req)).text).toBe('BBBB|');
    expect(calls.n).toBe(2);
    // The same key still hits its cache.
    expect((await build('sk-tenant-AAAA').chat(req)).text).toBe('AAAA|');
    expect(calls.n).toBe(2);
  });

  it('identical concurrent requests with different keys or headers are not coalesced onto one call', async () => {
    const calls = { n: 0 };
    registerProvider('key-echo', keyEcho(calls));
    const a = new LLMBuilder().provider('key-echo').model('m').apiKey('sk-tenant-AAAA').build();
    const b = new LLMBuilder().provider('key-echo').model('m').apiKey('sk-tenant-BBBB').build();
    const c = new LLMBuilder()
      .provider('key-echo')
      .model('m')
      .apiKey('sk-tenant-AAAA')
      .headers({ 'x-tenant': 't2' })
      .build();
    const [ra, rb, rc] = await Promise.all([a.chat(req), b.chat(req), c.chat(req)]);
    expect([ra.text, rb.text, rc.text]).toEqual(['AAAA|', 'BBBB|', 'AAAA|t2']);
    expect(calls.n).toBe(3);
  });
});
