/** Retry settings of one client; see `LLMBuilder.retry` for the defaults. */
export interface RetryPolicy {
  /** Retries after the first attempt (0 = no retry). */
  maxRetries: number;
  /** First backoff ceiling; doubles per retry (full jitter below it). */
  baseDelayMs: number;
  /** Largest backoff ceiling. */
  maxDelayMs: number;
  /** A server's Retry-After above this is not waited for: the call fails (and may fall back). */
  maxRetryAfterMs: number;
}

/**
 * Delay before retry number `attempt` (0-based): the server's Retry-After when it sent one
 * (undefined = do not retry, it asked for longer than `maxRetryAfterMs`), else exponential
 * backoff with full jitter: uniform in [0, min(maxDelayMs, baseDelayMs * 2^attempt)].
 *
 * @example
 * backoffDelay(2, { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 60_000 }) // 0..2000
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number | undefined {
  if (retryAfterMs !== undefined) return retryAfterMs > policy.maxRetryAfterMs ? undefined : retryAfterMs;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}
