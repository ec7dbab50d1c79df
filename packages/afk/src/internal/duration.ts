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
 * `approvalTimeoutMs`, `leaseTtlMs`, ...): a non-negative finite number of milliseconds, at most
 * `MAX_TIMER_MS`. Chain `.positive()` / `.int()` / `.default()` as needed.
 *
 * @example
 * z.object({ timeoutMs: durationMs().positive().default(30_000) })
 */
export function durationMs(): z.ZodNumber {
  return z.number().nonnegative().max(MAX_TIMER_MS, { message: DURATION_TOO_LONG });
}
