import { describe, expect, it } from 'vitest';
import { TokenBucket } from './rate-limiter.js';

/** Admission times (ms since start) of `take`s, in order of admission. */
function recorder() {
  const t0 = performance.now();
  const at: Record<string, number> = {};
  return {
    at,
    track: (name: string, p: Promise<void>) =>
      p.then(
        () => {
          at[name] = performance.now() - t0;
        },
        () => undefined,
      ),
  };
}

describe('token-bucket rate limiter', () => {
  it('never exceeds burst, also when an aborted waiter gives its place back', async () => {
    const bucket = new TokenBucket();
    const policy = { requestsPerSecond: 10, burst: 1 }; // one token per 100 ms
    const r = recorder();
    await r.track('a', bucket.take(policy)); // the burst token
    const abortB = new AbortController();
    const b = bucket.take(policy, abortB.signal);
    const c = r.track('c', bucket.take(policy));
    abortB.abort();
    await expect(b).rejects.toMatchObject({ name: expect.stringMatching(/Abort/) });
    const d = r.track('d', bucket.take(policy));
    expect(bucket.waiting).toBe(2);
    await Promise.all([c, d]);
    // c takes b's slot (~100 ms), d the next one (~200 ms): never two calls in one 100 ms slot.
    expect(r.at.c).toBeGreaterThanOrEqual(85);
    expect(r.at.d! - r.at.c!).toBeGreaterThanOrEqual(85);
    expect(bucket.available(policy)).toBeLessThanOrEqual(policy.burst);
    expect(bucket.available(policy)).toBeGreaterThanOrEqual(0);
  });

  it('an aborted waiter leaves the bucket at most at burst, and a long idle refills only to burst', async () => {
    let now = 0;
    const bucket = new TokenBucket(() => now);
    const policy = { requestsPerSecond: 1, burst: 2 };
    await bucket.take(policy);
    await bucket.take(policy);
    const ac = new AbortController();
    const waiting = bucket.take(policy, ac.signal);
    now = 900; // almost a token refilled
    ac.abort();
    await expect(waiting).rejects.toBeDefined();
    expect(bucket.available(policy)).toBeCloseTo(0.9, 5);
    now = 1_000_000;
    expect(bucket.available(policy)).toBe(2);
    await bucket.take(policy);
    await bucket.take(policy);
    expect(bucket.available(policy)).toBe(0);
    expect(bucket.waiting).toBe(0);
  });

  it('under random aborts, starts in any window stay within burst + rate × window', async () => {
    const bucket = new TokenBucket();
    const policy = { requestsPerSecond: 50, burst: 3 }; // a token every 20 ms
    const starts: number[] = [];
    const t0 = performance.now();
    const takes: Array<Promise<unknown>> = [];
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 14; i++) {
      const ac = new AbortController();
      takes.push(
        bucket.take(policy, ac.signal).then(
          () => starts.push(performance.now() - t0),
          () => undefined,
        ),
      );
      if (rand() < 0.4) setTimeout(() => ac.abort(), Math.floor(rand() * 60));
    }
    await Promise.all(takes);
    starts.sort((a, b) => a - b);
    for (let i = 0; i < starts.length; i++) {
      for (let j = i; j < starts.length; j++) {
        const window = (starts[j]! - starts[i]!) / 1000;
        // +1 for timer rounding at the window's edge.
        expect(j - i + 1).toBeLessThanOrEqual(
          policy.burst + Math.ceil(window * policy.requestsPerSecond) + 1,
        );
      }
    }
  });
});
