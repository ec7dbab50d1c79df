import type { JSONValue } from '../../internal/json.js';
import type { Assertion, AssertionContext, AssertionResult } from '../models/assertion.js';
import { verdict } from './verdict.js';

/** What a `custom` check may return: a boolean, a score 0..1 (passes at ≥ 0.5), or a partial result. */
export type CustomOutcome =
  | boolean
  | number
  | { passed: boolean; score?: number; reason?: string; metadata?: Record<string, JSONValue> };

/**
 * Your own check as an assertion. Return a boolean, a score (0..1, passing at 0.5), or
 * `{ passed, score?, reason?, metadata? }`. Throwing makes the case `errored`.
 *
 * @example
 * custom('mentions a price', ({ result }) => /\$\d+/.test(result.finalText))
 */
export function custom(
  name: string,
  fn: (ctx: AssertionContext) => CustomOutcome | Promise<CustomOutcome>,
): Assertion {
  return {
    name,
    evaluate: async (ctx): Promise<AssertionResult> => {
      const out = await fn(ctx);
      if (typeof out === 'boolean') return verdict(name, out, out ? 'passed' : 'failed');
      if (typeof out === 'number') return verdict(name, out >= 0.5, `score ${out}`, out);
      return verdict(
        name,
        out.passed,
        out.reason ?? (out.passed ? 'passed' : 'failed'),
        out.score,
        out.metadata,
      );
    },
  };
}
