import { sleep } from '../../internal/abort.js';

/** Token-bucket settings: sustained `requestsPerSecond`, bursts up to `burst` requests. */
export interface RateLimitPolicy {
  requestsPerSecond: number;
  burst: number;
}

/**
 * A token bucket shared by every client of one (provider, model, baseURL). Callers reserve a
 * token; when the bucket is empty the reservation goes negative and the caller sleeps until its
 * token has refilled, so waiters are served in arrival order. An aborted wait returns its token.
 * No timers run while nobody waits.
 *
 * @example
 * const bucket = new TokenBucket();
 * await bucket.take({ requestsPerSecond: 20, burst: 40 }, signal);
 */
export class TokenBucket {
  private tokens: number | undefined;
  private last = 0;

  /** Waits for a token; rejects (returning the token) if the signal aborts. */
  async take(policy: RateLimitPolicy, signal?: AbortSignal, now: () => number = Date.now): Promise<void> {
    const t = now();
    if (this.tokens === undefined) this.tokens = policy.burst;
    else
      this.tokens = Math.min(policy.burst, this.tokens + ((t - this.last) / 1000) * policy.requestsPerSecond);
    this.last = t;
    this.tokens -= 1;
    if (this.tokens >= 0) return;
    const waitMs = Math.ceil((-this.tokens / policy.requestsPerSecond) * 1000);
    try {
      await sleep(waitMs, signal);
    } catch (e) {
      this.tokens += 1;
      throw e;
    }
  }

  /** Tokens available right now (for health views). */
  available(policy: RateLimitPolicy, now: number = Date.now()): number {
    if (this.tokens === undefined) return policy.burst;
    return Math.min(policy.burst, this.tokens + ((now - this.last) / 1000) * policy.requestsPerSecond);
  }
}
