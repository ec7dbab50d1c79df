import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLMBuilder } from '../builder.js';
import { chatChunks, chatReply, chatStreamReply } from '../test-support/openai-fixtures.js';
import {
  type OpenAITestServer,
  type ServerSession,
  startOpenAITestServer,
} from '../test-support/openai-server.js';
import type { LLMRequest, LLMStreamChunk } from '../types.js';

/** The resilience layer around the real `openai` SDK, against the local scripted server. */

let server: OpenAITestServer;
beforeAll(async () => {
  server = await startOpenAITestServer();
});
afterAll(() => server.close());

const KEY = 'sk-test-http-resilience-000000';
const req: LLMRequest = { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] };
const fast = (s: ServerSession) =>
  new LLMBuilder()
    .provider('openai')
    .model('gpt-4.1-mini')
    .apiKey(KEY)
    .baseURL(s.baseURL)
    .retry({ maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 })
    .coalesce(false);
const err500 = { kind: 'json', status: 500, body: { error: { message: 'boom' } } } as const;

async function drain(
  it: AsyncIterable<LLMStreamChunk>,
  into: LLMStreamChunk[] = [],
): Promise<LLMStreamChunk[]> {
  for await (const c of it) into.push(c);
  return into;
}

describe('retries over HTTP', () => {
  it('honours Retry-After on a 429, then succeeds', async () => {
    const s = server.session();
    s.enqueue(
      {
        kind: 'json',
        status: 429,
        headers: { 'retry-after-ms': '150' },
        body: { error: { message: 'slow' } },
      },
      chatReply({ text: 'ok' }),
    );
    const t0 = Date.now();
    const res = await fast(s).build().chat(req);
    expect(res.text).toBe('ok');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(s.requests).toHaveLength(2);
  });

  it('retries a 500 and a malformed body, never a 400', async () => {
    const s = server.session();
    s.enqueue(err500, { kind: 'raw', body: '{oops' }, chatReply({ text: 'third time' }));
    expect((await fast(s).build().chat(req)).text).toBe('third time');
    expect(s.requests).toHaveLength(3);

    const s2 = server.session();
    s2.enqueue(
      { kind: 'json', status: 400, body: { error: { message: 'bad' } } },
      chatReply({ text: 'never' }),
    );
    await expect(fast(s2).build().chat(req)).rejects.toMatchObject({ code: 'llm_bad_request', status: 400 });
    expect(s2.requests).toHaveLength(1);
  });

  it('gives up after maxRetries with the last classified error', async () => {
    const s = server.session();
    s.enqueue(err500, err500, err500, chatReply({ text: 'too late' }));
    await expect(fast(s).build().chat(req)).rejects.toMatchObject({ code: 'llm_unavailable', status: 500 });
    expect(s.requests).toHaveLength(3);
  });
});

describe('streams over HTTP', () => {
  it('a stream cut mid-way after a delta fails without a retry', async () => {
    const s = server.session();
    s.enqueue(chatStreamReply({ deltas: ['par', 'tial'] }, 'cut'), chatStreamReply({ text: 'unused' }));
    const got: LLMStreamChunk[] = [];
    await expect(drain(fast(s).build().stream(req), got)).rejects.toMatchObject({
      name: 'AfkLLMError',
      retryable: true,
    });
    expect(got.map((c) => c.type)).toEqual(['text_delta', 'text_delta']);
    expect(s.requests).toHaveLength(1);
  });

  it('a JSON body answering a stream request is a clear (retryable) error, not an empty answer', async () => {
    const s = server.session();
    s.enqueue(chatReply({ text: 'not streamed' }));
    await expect(drain(fast(s).retry({ maxRetries: 0 }).build().stream(req))).rejects.toMatchObject({
      code: 'llm_bad_response',
      message: expect.stringMatching(/finish reason/),
    });
  });

  it('a stream cut before any delta is retried', async () => {
    const s = server.session();
    s.enqueue({ kind: 'sse', events: [], end: 'cut' }, chatStreamReply({ deltas: ['a', 'b'] }));
    const got = await drain(fast(s).build().stream(req));
    expect(got.map((c) => c.type)).toEqual(['text_delta', 'text_delta', 'completed']);
    expect(s.requests).toHaveLength(2);
  });

  it('an idle stream after a delta aborts with llm_stream_idle (server sees the close), no retry', async () => {
    const s = server.session();
    s.enqueue({ kind: 'sse', events: chatChunks({ deltas: ['hel'], includeFinish: false }), end: 'idle' });
    const llm = fast(s).timeout({ requestMs: 2_000, streamIdleMs: 80 }).build();
    const got: LLMStreamChunk[] = [];
    await expect(drain(llm.stream(req), got)).rejects.toMatchObject({
      code: 'llm_stream_idle',
      retryable: true,
    });
    expect(got).toEqual([{ type: 'text_delta', delta: 'hel' }]);
    await s.waitForClientClose(0);
    expect(s.requests).toHaveLength(1);
  });

  it('a stream silent before its first delta hits the request deadline and is retried', async () => {
    const s = server.session();
    s.enqueue({ kind: 'sse', events: [], end: 'idle' }, chatStreamReply({ deltas: ['x'] }));
    // The deadline is generous so the retried request meets it even on a loaded CI machine.
    const llm = fast(s).timeout({ requestMs: 1_000, streamIdleMs: 5_000 }).build();
    const got = await drain(llm.stream(req));
    expect(got.map((c) => c.type)).toEqual(['text_delta', 'completed']);
    await s.waitForClientClose(0);
  });

  it('aborting mid-stream closes the connection and rejects with the abort', async () => {
    const s = server.session();
    s.enqueue({
      kind: 'sse',
      events: [
        ...chatChunks({ deltas: ['one'], includeFinish: false }),
        ...chatChunks({ deltas: ['two'], delayMs: 5_000 }),
      ],
    });
    const ac = new AbortController();
    const got: LLMStreamChunk[] = [];
    const run = async () => {
      for await (const c of fast(s).build().stream(req, { signal: ac.signal })) {
        got.push(c);
        ac.abort();
      }
    };
    await expect(run()).rejects.toSatisfy(
      (e: unknown) =>
        (e as { name?: string }).name === 'AbortError' || (e as { code?: string }).code === 'aborted',
    );
    await s.waitForClientClose(0);
    expect(got).toHaveLength(1);
  });

  it('breaking out of the loop closes the connection too (also when coalescing)', async () => {
    const c = server.session();
    c.enqueue({
      kind: 'sse',
      events: [
        ...chatChunks({ deltas: ['one'], includeFinish: false }),
        ...chatChunks({ deltas: ['two'], delayMs: 5_000 }),
      ],
    });
    for await (const _ of fast(c).coalesce(true).build().stream(req)) break;
    await c.waitForClientClose(0);

    const s = server.session();
    s.enqueue({
      kind: 'sse',
      events: [
        ...chatChunks({ deltas: ['one'], includeFinish: false }),
        ...chatChunks({ deltas: ['two'], delayMs: 5_000 }),
      ],
    });
    for await (const _ of fast(s).build().stream(req)) break;
    await s.waitForClientClose(0);
    expect(s.requests[0]?.clientClosed).toBe(true);
  });
});

describe('fallback, breaker, cache and coalescing over HTTP', () => {
  it('falls back to a second provider; the response says who answered and who was asked', async () => {
    const a = server.session();
    const b = server.session();
    a.enqueue(err500, err500);
    b.enqueue(chatReply({ text: 'from b', model: 'llama3.2' }));
    const llm = fast(a)
      .retry({ maxRetries: 1, baseDelayMs: 1 })
      .fallback([`openai-compatible:llama3.2@${b.baseURL}`])
      .build();
    const res = await llm.chat(req);
    expect(res).toMatchObject({ text: 'from b', model: 'llama3.2', requestedModel: 'gpt-4.1-mini' });
    expect(a.requests).toHaveLength(2);
    expect(b.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('opens the breaker after the threshold, then lets ONE probe through after the cooldown', async () => {
    const s = server.session();
    const llm = fast(s)
      .retry({ maxRetries: 0 })
      .circuitBreaker({ failureThreshold: 2, cooldownMs: 100 })
      .build();
    s.enqueue(err500, err500);
    await expect(llm.chat(req)).rejects.toMatchObject({ code: 'llm_unavailable' });
    await expect(llm.chat(req)).rejects.toMatchObject({ code: 'llm_unavailable' });
    await expect(llm.chat(req)).rejects.toMatchObject({ code: 'circuit_open' });
    expect(s.requests).toHaveLength(2);
    expect(llm.health().breaker).toBe('open');

    await new Promise((r) => setTimeout(r, 120));
    expect(llm.health().breaker).toBe('half_open');
    s.enqueue(
      { ...chatReply({ text: 'probe ok' }), kind: 'json', delayMs: 40 } as never,
      chatReply({ text: 'after' }),
    );
    const [probe, other] = await Promise.allSettled([llm.chat(req), llm.chat({ ...req, temperature: 1 })]);
    expect(probe).toMatchObject({ status: 'fulfilled', value: { text: 'probe ok' } });
    expect(other).toMatchObject({ status: 'rejected', reason: { code: 'circuit_open' } });
    expect(s.requests).toHaveLength(3);
    expect(llm.health().breaker).toBe('closed');
    expect((await llm.chat(req)).text).toBe('after');
  });

  it('a second build of the same (provider, model, baseURL) shares the open breaker', async () => {
    const s = server.session();
    s.enqueue(err500);
    const one = fast(s)
      .retry({ maxRetries: 0 })
      .circuitBreaker({ failureThreshold: 1, cooldownMs: 60_000 })
      .build();
    await expect(one.chat(req)).rejects.toMatchObject({ code: 'llm_unavailable' });
    const two = fast(s)
      .retry({ maxRetries: 0 })
      .circuitBreaker({ failureThreshold: 1, cooldownMs: 60_000 })
      .build();
    await expect(two.chat(req)).rejects.toMatchObject({ code: 'circuit_open' });
    expect(s.requests).toHaveLength(1);
  });

  it('serves identical requests from the cache (metadata ignored), not changed ones', async () => {
    const s = server.session();
    s.enqueue(chatReply({ text: 'cached' }), chatReply({ text: 'warmer' }));
    const llm = fast(s).cache({ ttlMs: 10_000 }).build();
    const first = await llm.chat({ ...req, metadata: { runId: 'a' } });
    const second = await llm.chat({ ...req, metadata: { runId: 'b' } });
    expect(second.text).toBe('cached');
    expect(second.costUsd).toBe(0);
    expect(first.costUsd).toBeGreaterThan(0);
    expect((await llm.chat({ ...req, temperature: 0.9 })).text).toBe('warmer');
    expect(s.requests).toHaveLength(2);
  });

  it('coalesces identical concurrent chats and streams into one request each', async () => {
    const s = server.session();
    s.enqueue(
      {
        kind: 'json',
        body:
          chatReply({ text: 'shared' }).kind === 'json'
            ? (chatReply({ text: 'shared' }) as { body: unknown }).body
            : null,
        delayMs: 50,
      },
      { kind: 'sse', events: chatChunks({ deltas: ['s', 'hared'], delayMs: 10 }) },
    );
    const llm = fast(s).coalesce(true).build();
    const answers = await Promise.all(Array.from({ length: 5 }, () => llm.chat(req)));
    expect(answers.map((a) => a.text)).toEqual(Array(5).fill('shared'));
    // One call was paid for: the leader carries its cost, followers none.
    expect(answers.filter((a) => (a.costUsd ?? 0) > 0)).toHaveLength(1);
    const streams = await Promise.all(Array.from({ length: 3 }, () => drain(llm.stream(req))));
    for (const chunks of streams)
      expect(chunks.map((c) => (c.type === 'text_delta' ? c.delta : c.type))).toEqual([
        's',
        'hared',
        'completed',
      ]);
    expect(s.requests).toHaveLength(2);
  });
});
