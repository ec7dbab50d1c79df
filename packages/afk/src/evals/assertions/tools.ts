import { stableStringify } from '../../internal/json.js';
import type { Assertion, ToolCallView } from '../models/assertion.js';
import { preview, verdict } from './verdict.js';

/** How `toolCalled` compares arguments. */
export interface ToolArgsMatch {
  /** Only the keys given must match (recursively); extra keys in the call are fine. Default false. */
  partial?: boolean;
  /** Keys ignored at any depth on both sides (ids, timestamps). */
  ignoreKeys?: string[];
  /** Exactly this many matching calls (default: at least one). */
  times?: number;
}

function strip(value: unknown, ignore: ReadonlySet<string>): unknown {
  if (ignore.size === 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => strip(v, ignore));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!ignore.has(k)) out[k] = strip(v, ignore);
  return out;
}

function partialMatch(expected: unknown, actual: unknown): boolean {
  if (expected === null || typeof expected !== 'object')
    return stableStringify(expected) === stableStringify(actual);
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((e, i) => partialMatch(e, actual[i]))
    );
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
  return Object.entries(expected).every(
    ([k, v]) => v === undefined || partialMatch(v, (actual as Record<string, unknown>)[k]),
  );
}

/** True when a call's args match the expected ones under the options. */
export function argsMatch(expected: unknown, actual: unknown, opts: ToolArgsMatch = {}): boolean {
  const ignore = new Set(opts.ignoreKeys ?? []);
  const e = strip(expected, ignore);
  const a = strip(actual, ignore);
  return opts.partial ? partialMatch(e, a) : stableStringify(e) === stableStringify(a);
}

/**
 * Passes when the run called the tool (with these args, when given: equal, or with
 * `partial: true` a subset; `ignoreKeys` dropped on both sides). `times` asks for an exact count.
 *
 * @example
 * toolCalled('search_flights', { to: 'PAR' }, { partial: true })
 */
export function toolCalled(name: string, args?: unknown, opts: ToolArgsMatch = {}): Assertion {
  const label = `toolCalled(${name}${args === undefined ? '' : `, ${preview(args, 60)}`})`;
  return {
    name: label,
    evaluate: async (ctx) => {
      const calls = (await ctx.toolCalls()).filter((c) => c.name === name);
      const matching = args === undefined ? calls : calls.filter((c) => argsMatch(args, c.args, opts));
      const ok = opts.times === undefined ? matching.length > 0 : matching.length === opts.times;
      let reason: string;
      if (ok) reason = `${name} was called${matching.length > 1 ? ` ${matching.length} times` : ''}`;
      else if (!calls.length) reason = `${name} was never called`;
      else if (opts.times !== undefined)
        reason = `${name} was called ${matching.length} time(s) with these args, not ${opts.times}`;
      else reason = `${name} was called with other args: ${calls.map((c) => preview(c.args, 80)).join('; ')}`;
      return verdict(label, ok, reason, undefined, { calls: calls.length, matching: matching.length });
    },
  };
}

/**
 * Passes when the run never called the tool.
 *
 * @example
 * toolNotCalled('delete_file')
 */
export function toolNotCalled(name: string): Assertion {
  const label = `toolNotCalled(${name})`;
  return {
    name: label,
    evaluate: async (ctx) => {
      const n = (await ctx.toolCalls()).filter((c) => c.name === name).length;
      return verdict(label, n === 0, n === 0 ? `${name} was not called` : `${name} was called ${n} time(s)`);
    },
  };
}

/** How far `names` is found, in order, within `calls` (greedy subsequence match). */
function inOrderMatched(names: readonly string[], calls: readonly ToolCallView[]): number {
  let i = 0;
  for (const c of calls) if (i < names.length && c.name === names[i]) i++;
  return i;
}

/**
 * Passes when the tool calls follow `names`: `in_order` (default) finds them in that order with
 * any other calls between; `exact` needs exactly that list. The score is the share of `names`
 * matched in order.
 *
 * @example
 * toolSequence(['search', 'answer'], { mode: 'in_order' })
 */
export function toolSequence(names: string[], opts: { mode?: 'in_order' | 'exact' } = {}): Assertion {
  const mode = opts.mode ?? 'in_order';
  const label = `toolSequence([${names.join(', ')}], ${mode})`;
  return {
    name: label,
    evaluate: async (ctx) => {
      const calls = await ctx.toolCalls();
      const actual = calls.map((c) => c.name);
      const matched = inOrderMatched(names, calls);
      const score = names.length
        ? matched / names.length
        : actual.length === 0 || mode === 'in_order'
          ? 1
          : 0;
      const ok =
        mode === 'exact'
          ? actual.length === names.length && actual.every((n, i) => n === names[i])
          : matched === names.length;
      const reason = ok
        ? `the calls were [${actual.join(', ')}]`
        : mode === 'exact'
          ? `expected exactly [${names.join(', ')}], the calls were [${actual.join(', ')}]`
          : `expected [${names.join(', ')}] in order; found ${matched} of them in [${actual.join(', ')}]`;
      return verdict(label, ok, reason, score, { actual });
    },
  };
}
