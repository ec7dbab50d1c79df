import type { BackoffPolicy } from './task.js';

/**
 * The wait before retry number `retry` (1 for the first retry): exponential in `factor`, capped
 * at `maxDelayMs`, minus a random share of at most `jitter` of it, so workers that failed
 * together do not retry together. `random` is injectable for tests (default Math.random).
 *
 * @example
 * backoffDelay({ baseDelayMs: 1000, factor: 2, maxDelayMs: 60_000, jitter: 0 }, 3) // 4000
 */
export function backoffDelay(
  policy: BackoffPolicy,
  retry: number,
  random: () => number = Math.random,
): number {
  const exp = policy.baseDelayMs * policy.factor ** Math.max(0, retry - 1);
  const capped = Math.min(policy.maxDelayMs, exp);
  return Math.round(capped * (1 - policy.jitter * random()));
}
