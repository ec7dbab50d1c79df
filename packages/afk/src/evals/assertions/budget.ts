import type { Assertion, AssertionContext } from '../models/assertion.js';
import { verdict } from './verdict.js';

function atMost(
  label: string,
  unit: string,
  max: number,
  measure: (ctx: AssertionContext) => number,
): Assertion {
  const name = `${label}(${max})`;
  return {
    name,
    evaluate: (ctx) => {
      const v = measure(ctx);
      const ok = v <= max;
      return verdict(
        name,
        ok,
        `${label.replace('AtMost', '')} was ${fmt(v)}${unit} (limit ${fmt(max)}${unit})`,
        ok ? 1 : max / v,
        {
          value: v,
          limit: max,
        },
      );
    },
  };
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toPrecision(3));
const counter = (ctx: AssertionContext, key: string) => {
  const v = ctx.result.stateSnapshot[key];
  return typeof v === 'number' ? v : 0;
};

/**
 * Passes when the run cost at most `usd` (the agent's run, judges not included). The score falls
 * with the overrun (limit / actual).
 *
 * @example
 * costAtMost(0.01)
 */
export function costAtMost(usd: number): Assertion {
  return atMost('costAtMost', ' USD', usd, (ctx) => ctx.result.usage.costUsd);
}

/**
 * Passes when the run used at most `tokens` tokens in total.
 *
 * @example
 * tokensAtMost(2_000)
 */
export function tokensAtMost(tokens: number): Assertion {
  return atMost('tokensAtMost', ' tokens', tokens, (ctx) => ctx.result.usage.totalTokens);
}

/**
 * Passes when the run took at most `steps` steps.
 *
 * @example
 * stepsAtMost(3)
 */
export function stepsAtMost(steps: number): Assertion {
  return atMost('stepsAtMost', ' steps', steps, (ctx) => counter(ctx, 'step'));
}

/**
 * Passes when the run took at most `ms` milliseconds (wall time as the suite measured it).
 *
 * @example
 * latencyAtMost(2_000)
 */
export function latencyAtMost(ms: number): Assertion {
  return atMost('latencyAtMost', ' ms', ms, (ctx) => ctx.durationMs);
}
