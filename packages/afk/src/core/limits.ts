import { AfkError } from '../errors/index.js';
import { RunEnd } from './run-end.js';
import type { LimitHost } from './run-types.js';

/** Marks the abort reason of the wall-time limit (so the ending reports a limit, not a cancel). */
export const LIMIT_REASON = Symbol('afk-limit');

/** The wall-time abort reason carries `LIMIT_REASON`. */
export function isLimitReason(reason: unknown): boolean {
  return Boolean(reason && (reason as Record<symbol, unknown>)[LIMIT_REASON]);
}

/** Records a limit and ends the run per `onLimit`. */
export function limit(host: LimitHost, name: string, value: number, max: number): never {
  host.emit('limit_hit', { limit: name, value, max }, host.state.step);
  throw new RunEnd(host.agent.failSafe.onLimit === 'fail' ? 'failed' : 'degraded', {
    code: 'limit_exceeded',
    message: `${name} limit reached (${value} of ${max})`,
  });
}

/** The cost and token budgets, checked at each step boundary. */
export function checkBudgets(host: LimitHost): void {
  const fs = host.agent.failSafe;
  if (fs.maxTotalCostUsd !== undefined && host.state.usage.costUsd > fs.maxTotalCostUsd) {
    limit(host, 'maxTotalCostUsd', host.state.usage.costUsd, fs.maxTotalCostUsd);
  }
  if (fs.maxTotalTokens !== undefined && host.state.usage.totalTokens > fs.maxTotalTokens) {
    limit(host, 'maxTotalTokens', host.state.usage.totalTokens, fs.maxTotalTokens);
  }
}

/** Aborts `controller` when the run's active wall time reaches `maxWallTimeMs`. */
export function startWallTimer(
  maxWallTimeMs: number,
  activeMs: number,
  controller: AbortController,
): ReturnType<typeof setTimeout> {
  return setTimeout(
    () => {
      const err = new AfkError('limit_exceeded', `maxWallTimeMs (${maxWallTimeMs} ms) exceeded`);
      (err as unknown as Record<symbol, unknown>)[LIMIT_REASON] = true;
      controller.abort(err);
    },
    Math.max(0, maxWallTimeMs - activeMs),
  );
}

/** A monotonic clock where there is one. */
export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
