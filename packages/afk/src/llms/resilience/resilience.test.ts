import { afterEach, describe, expect, it, vi } from 'vitest';
import { isAfkError } from '../../errors/index.js';
import { LLMBuilder } from '../builder.js';
import { parseRetryAfter } from '../provider-error.js';
import { scripted } from '../providers/scripted.js';
import { registerProvider } from '../registry.js';
import { rejection } from '../test-support/rejection.js';
import type { LLMCallOptions, LLMClient, LLMRequest, LLMStreamChunk } from '../types.js';
import { backoffDelay } from './backoff.js';
import { TokenBucket } from './rate-limiter.js';

const req: LLMRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
const quick = (client: LLMClient) =>
  new LLMBuilder().client(client).retry({ maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 }).coalesce(false);

const untilAbort = (signal: AbortSignal | undefined) =>
  new Promise<never>((_, reject) =>
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true }),
  );

/** A client whose stream yields `before` deltas, then never sends anything again. */
function stalling(before: number, calls: { n: number }): LLMClient {
  return {
    provider: 'test',
    model: 'stall',
    capabilities: { streaming: true, toolCalling: true, structuredOutput: true, reasoning: false },
    chat: (_r, o?: LLMCallOptions) => {
      calls.n++;
      return untilAbort(o?.signal);
    },
    async *stream(_r, o?: LLMCallOptions): AsyncGenerator<LLMStreamChunk> {
      calls.n++;
      for (let i = 0; i < before; i++) yield { type: 'text_delta', delta: `d${i}` };
      await untilAbort(o?.signal);
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('retry classification and backoff', () => {
  it('retries 429 and 5xx up to maxRetries, never 400 or 401', async () => {
    const flaky = scripted([{ error: { status: 429 } }, { error: { status: 503 } }, { text: 'ok' }]);
    expect((await quick(flaky).build().chat(req)).text).toBe('ok');
    expect(flaky.calls).toBe(3);

    for (const status of [400, 401]) {
      const bad = scripted([{ error: { status } }, { text: 'never' }]);
      await expect(quick(bad).build().chat(req)).rejects.toMatchObject({ status, retryable: false });
      expect(bad.calls).toBe(1);
    }
    const down = scripted([{ error: { status: 500 } }], { onExhausted: 'repeat_last' });
    await expect(quick(down).build().chat(req)).rejects.toMatchObject({ code: 'llm_unavailable' });
    expect(down.calls).toBe(3);
  });

  it('per-call overrides replace the profile for that call only', async () => {
    const m = scripted([{ error: { status: 500 } }, { text: 'ok' }]);
    const llm = quick(m).build();
    await expect(llm.chat(req, { retry: { maxRetries: 0 } })).rejects.toMatchObject({ status: 500 });
    expect((await llm.chat(req)).text).toBe('ok');
  });

  it('backoff is full jitter under an exponential ceiling; Retry-After wins unless too long', () => {
    const p = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 };
    expect(backoffDelay(0, p, undefined, () => 0.999)).toBe(99);
    expect(backoffDelay(3, p, undefined, () => 0.999)).toBe(799);
    expect(backoffDelay(6, p, undefined, () => 0.999)).toBe(999);
    expect(backoffDelay(0, p, undefined, () => 0)).toBe(0);
    expect(backoffDelay(0, p, 3_000)).toBe(3_000);
    expect(backoffDelay(0, p, 6_000)).toBeUndefined();
  });

  it('parses Retry-After as ms, seconds or an HTTP date', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter({ 'retry-after-ms': '250' })).toBe(250);
    expect(parseRetryAfter(new Headers({ 'retry-after': '2' }))).toBe(2_000);
    expect(parseRetryAfter({ 'retry-after': 'Tue, 01 Jan 2030 00:00:03 GMT' }, now)).toBe(3_000);
    expect(parseRetryAfter({ 'retry-after': 'soon' })).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('timeouts', () => {
  it('a chat attempt over requestMs times out (retryable) and is retried', async () => {
    const calls = { n: 0 };
    const llm = quick(stalling(0, calls))
      .retry({ maxRetries: 1, baseDelayMs: 1 })
      .timeout({ requestMs: 30 })
      .build();
    await expect(llm.chat(req)).rejects.toMatchObject({ code: 'timeout', retryable: true });
    expect(calls.n).toBe(2);
  });

  it('an idle stream is retried only while nothing reached the consumer', async () => {
    const before = { n: 0 };
    const silent = quick(stalling(0, before))
      .retry({ maxRetries: 1, baseDelayMs: 1 })
      .timeout({ requestMs: 30, streamIdleMs: 30 });
    await expect(
      (async () => {
        for await (const _ of silent.build().stream(req)) {
          /* none */
        }
      })(),
    ).rejects.toMatchObject({ code: 'timeout' });
    expect(before.n).toBe(2);

    const after = { n: 0 };
    const got: string[] = [];
    const llm = quick(stalling(1, after)).timeout({ requestMs: 1_000, streamIdleMs: 30 }).build();
    const run = async () => {
      for await (const c of llm.stream(req)) got.push(c.type);
    };
    await expect(run()).rejects.toMatchObject({ code: 'llm_stream_idle', retryable: true });
    expect(got).toEqual(['text_delta']);
    expect(after.n).toBe(1);
  });

  it('leaves no timer behind: after a chat, a stream, a break and an abort', async () => {
    vi.useFakeTimers();
    const llm = quick(
      scripted([{ text: 'abc', deltas: ['a', 'b', 'c'] }], { onExhausted: 'repeat_last' }),
    ).build();
    await llm.chat(req);
    expect(vi.getTimerCount()).toBe(0);
    for await (const _ of llm.stream(req)) {
      // drain
    }
    expect(vi.getTimerCount()).toBe(0);
    for await (const _ of llm.stream(req)) break;
    expect(vi.getTimerCount()).toBe(0);
    const ac = new AbortController();
    const p = quick(stalling(0, { n: 0 }))
      .build()
      .chat(req, { signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toSatisfy(isAbortLike);
    expect(vi.getTimerCount()).toBe(0);
  });
});

const isAbortLike = (e: unknown) =>
  (e as { name?: string }).name === 'AbortError' || (isAfkError(e) && e.code === 'aborted');

describe('rate limiter', () => {
  it('lets a burst through, then spaces callers at the sustained rate', async () => {
    const bucket = new TokenBucket();
    const policy = { requestsPerSecond: 20, burst: 2 };
    const t0 = Date.now();
    await Promise.all([bucket.take(policy), bucket.take(policy), bucket.take(policy), bucket.take(policy)]);
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(400);
  });

  it('a built client waits for the bucket before each call', async () => {
    const m = scripted([{ text: 'x' }], { onExhausted: 'repeat_last' });
    const llm = quick(m).rateLimit({ requestsPerSecond: 50, burst: 1 }).build();
    const t0 = Date.now();
    await Promise.all([
      llm.chat(req),
      llm.chat({ ...req, temperature: 0 }),
      llm.chat({ ...req, temperature: 1 }),
    ]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(35);
    expect(m.calls).toBe(3);
  });

  it('an aborted wait returns its token', async () => {
    const bucket = new TokenBucket();
    const policy = { requestsPerSecond: 1, burst: 1 };
    await bucket.take(policy);
    const ac = new AbortController();
    const waiting = bucket.take(policy, ac.signal);
    ac.abort();
    await expect(waiting).rejects.toBeDefined();
    expect(bucket.available(policy)).toBeGreaterThan(-0.5);
  });
});

describe('fallback', () => {
  it('falls back to a registered provider and records the requested model', async () => {
    const backup = scripted([{ text: 'from backup' }], { model: 'backup-model' });
    registerProvider('test-backup', () => backup);
    const primary = scripted([{ error: { status: 500 } }], {
      onExhausted: 'repeat_last',
      model: 'primary-model',
    });
    const llm = quick(primary).retry({ maxRetries: 1, baseDelayMs: 1 }).fallback(['test-backup:b']).build();
    const res = await llm.chat(req);
    expect(res).toMatchObject({
      text: 'from backup',
      model: 'backup-model',
      requestedModel: 'primary-model',
    });
    expect(primary.calls).toBe(2);
  });

  it('does not fall back after a caller abort; reports every failure when all fail', async () => {
    registerProvider('test-down', () =>
      scripted([{ error: { status: 502, message: 'b down' } }], { onExhausted: 'repeat_last' }),
    );
    const a = scripted([{ error: { status: 500, message: 'a down' } }], { onExhausted: 'repeat_last' });
    const err = await rejection(
      quick(a).retry({ maxRetries: 0 }).fallback(['test-down:x']).build().chat(req),
    );
    expect(err).toMatchObject({ code: 'llm_unavailable' });
    expect(err.message).toMatch(/a down.*b down/);

    const spare = scripted([{ text: 'spare' }]);
    registerProvider('test-spare', () => spare);
    const ac = new AbortController();
    const slow = scripted([{ text: 'slow', delayMs: 1_000 }]);
    const pending = quick(slow).fallback(['test-spare:x']).build().chat(req, { signal: ac.signal });
    ac.abort();
    await expect(pending).rejects.toSatisfy(isAbortLike);
    expect(spare.calls).toBe(0);
  });
});

describe('coalescing and cache (scripted)', () => {
  it('identical concurrent requests share one provider call; one caller leaving does not cancel the others', async () => {
    const m = scripted([{ text: 'once', delayMs: 30 }]);
    const llm = quick(m).coalesce(true).build();
    const ac = new AbortController();
    const leaving = llm.chat(req, { signal: ac.signal });
    const staying = [llm.chat(req), llm.chat(req)];
    ac.abort();
    await expect(leaving).rejects.toSatisfy(isAbortLike);
    expect((await Promise.all(staying)).map((r) => r.text)).toEqual(['once', 'once']);
    expect(m.calls).toBe(1);
  });

  it('cache entries expire after ttlMs', async () => {
    const m = scripted([{ text: 'one' }, { text: 'two' }, { text: 'three' }]);
    const llm = quick(m).cache({ ttlMs: 20 }).build();
    expect((await llm.chat(req)).text).toBe('one');
    expect((await llm.chat(req)).text).toBe('one');
    await new Promise((r) => setTimeout(r, 30));
    expect((await llm.chat(req)).text).toBe('two');
    expect((await llm.chat(req, { cache: false })).text).toBe('three');
  });

  it('a cached answer can be streamed', async () => {
    const m = scripted([{ text: 'hello' }]);
    const llm = quick(m).cache({ ttlMs: 10_000 }).build();
    await llm.chat(req);
    const types: string[] = [];
    for await (const c of llm.stream(req)) types.push(c.type);
    expect(types).toEqual(['text_delta', 'completed']);
    expect(m.calls).toBe(1);
  });
});
