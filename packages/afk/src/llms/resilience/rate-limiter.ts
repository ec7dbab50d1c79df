import { abortReason } from '../../internal/abort.js';

/** Token-bucket settings: sustained `requestsPerSecond`, bursts up to `burst` requests. */
export interface RateLimitPolicy {
  requestsPerSecond: number;
  burst: number;
}

interface Waiter {
  policy: RateLimitPolicy;
  resolve: () => void;
  reject: (e: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * A token bucket shared by every client of one (provider, model, baseURL). A caller takes a
 * token when one is there; otherwise it joins a FIFO queue and one timer hands out tokens as
 * they refill, in arrival order. The bucket never holds more than `burst` tokens and never goes
 * negative: a waiter owns no token until it is admitted, so an aborted waiter simply leaves the
 * queue (nothing to return) and the next waiter moves up to its slot. Hence in any window of
 * `t` seconds at most `burst + t × requestsPerSecond` calls start. No timer runs while nobody waits.
 *
 * @example
 * const bucket = new TokenBucket();
 * await bucket.take({ requestsPerSecond: 20, burst: 40 }, signal);
 */
export class TokenBucket {
  private tokens: number | undefined;
  private last = 0;
  private readonly queue: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** Waits for a token; rejects (holding none) if the signal aborts first. */
  take(policy: RateLimitPolicy, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    this.refill(policy);
    if (this.queue.length === 0 && (this.tokens as number) >= 1) {
      this.tokens = (this.tokens as number) - 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = {
        policy,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.queue.indexOf(w);
          if (i >= 0) this.queue.splice(i, 1);
          reject(abortReason(signal as AbortSignal));
          this.schedule();
        },
      };
      signal?.addEventListener('abort', w.onAbort, { once: true });
      this.queue.push(w);
      this.schedule();
    });
  }

  /** Tokens available right now (for health views); never above `burst`, never negative. */
  available(policy: RateLimitPolicy, now: number = this.now()): number {
    if (this.tokens === undefined) return policy.burst;
    return Math.min(
      policy.burst,
      this.tokens + (Math.max(0, now - this.last) / 1000) * policy.requestsPerSecond,
    );
  }

  /** How many callers wait for a token. */
  get waiting(): number {
    return this.queue.length;
  }

  private refill(policy: RateLimitPolicy): void {
    const t = this.now();
    this.tokens = this.available(policy, t);
    this.last = t;
  }

  /** Admits waiters while tokens last, then arms one timer for the next token (or none). */
  private schedule(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.queue.length) {
      const head = this.queue[0] as Waiter;
      this.refill(head.policy);
      if ((this.tokens as number) < 1) {
        const waitMs = Math.ceil(((1 - (this.tokens as number)) / head.policy.requestsPerSecond) * 1000);
        this.timer = setTimeout(
          () => {
            this.timer = undefined;
            this.schedule();
          },
          Math.max(1, waitMs),
        );
        return;
      }
      this.tokens = (this.tokens as number) - 1;
      this.queue.shift();
      head.signal?.removeEventListener('abort', head.onAbort);
      head.resolve();
    }
  }
}
