import { z } from 'zod';

/**
 * The longest delay a timer honours: `setTimeout` stores its delay as a signed 32-bit integer,
 * so anything above 2^31 − 1 ms (about 24.8 days) fires after 1 ms instead.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** The message of a duration above `MAX_TIMER_MS`. */
export const DURATION_TOO_LONG = `must be at most ${MAX_TIMER_MS} ms (about 24.8 days): a longer timer would fire at once`;

/**
 * The zod schema of every duration in AFK's config (`maxWallTimeMs`, `requestMs`,
 * `approvalTimeoutMs`, `leaseTtlMs`, ...): a number of milliseconds, at least 0 (or above 0 with
 * `'positive'`), at most `MAX_TIMER_MS`. Chain `.int()` / `.default()` as needed.
 *
 * @example
 * z.object({ timeoutMs: durationMs('positive').default(30_000) })
 */
export function durationMs(min: 'nonnegative' | 'positive' = 'nonnegative'): z.ZodNumber {
  const base = min === 'positive' ? z.number().positive() : z.number().nonnegative();
  return base.max(MAX_TIMER_MS, { message: DURATION_TOO_LONG });
}
