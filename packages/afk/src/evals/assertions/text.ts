import type { Schema } from '@cfworker/json-schema';
import { Validator } from '@cfworker/json-schema';
import type { z } from 'zod';
import type { JSONValue } from '../../internal/json.js';
import type { Assertion, AssertionContext } from '../models/assertion.js';
import { preview, verdict } from './verdict.js';

/**
 * Passes when the run completed (state `completed`).
 *
 * @example
 * const c = { id: 'hi', input: 'hi', assertions: [completed()] };
 */
export function completed(): Assertion {
  return {
    name: 'completed',
    evaluate: ({ result }) =>
      verdict(
        'completed',
        result.state === 'completed',
        result.state === 'completed'
          ? 'the run completed'
          : `the run ended ${result.state}${result.error ? `: ${result.error.code}: ${result.error.message}` : ''}`,
      ),
  };
}

/**
 * Passes when the final text contains the text (every one of them, for a list); case-insensitive
 * unless `caseSensitive`. The score is the share of texts found.
 *
 * @example
 * finalTextContains(['Paris', 'sunny'])
 */
export function finalTextContains(
  text: string | string[],
  opts: { caseSensitive?: boolean } = {},
): Assertion {
  const wanted = Array.isArray(text) ? text : [text];
  const name = `finalTextContains(${wanted.map((w) => preview(w, 40)).join(', ')})`;
  return {
    name,
    evaluate: ({ result }) => {
      const hay = opts.caseSensitive ? result.finalText : result.finalText.toLowerCase();
      const missing = wanted.filter((w) => !hay.includes(opts.caseSensitive ? w : w.toLowerCase()));
      const score = wanted.length ? (wanted.length - missing.length) / wanted.length : 1;
      return verdict(
        name,
        missing.length === 0,
        missing.length === 0
          ? 'the final text contains it'
          : `the final text ${preview(result.finalText)} lacks ${missing.map((m) => preview(m, 40)).join(', ')}`,
        score,
      );
    },
  };
}

/**
 * Passes when the final text equals the text (both trimmed unless `trim: false`).
 *
 * @example
 * finalTextEquals('The answer is 42.')
 */
export function finalTextEquals(text: string, opts: { trim?: boolean } = {}): Assertion {
  const name = `finalTextEquals(${preview(text, 40)})`;
  const norm = (s: string) => (opts.trim === false ? s : s.trim());
  return {
    name,
    evaluate: ({ result }) => {
      const ok = norm(result.finalText) === norm(text);
      return verdict(
        name,
        ok,
        ok ? 'the final text is as expected' : `the final text is ${preview(result.finalText)}`,
      );
    },
  };
}

/**
 * Passes when the final text matches the regular expression.
 *
 * @example
 * finalTextMatches(/\b\d{1,2}°C\b/)
 */
export function finalTextMatches(pattern: RegExp | string, flags?: string): Assertion {
  const re = typeof pattern === 'string' ? new RegExp(pattern, flags) : pattern;
  const name = `finalTextMatches(${String(re)})`;
  return {
    name,
    evaluate: ({ result }) => {
      re.lastIndex = 0;
      const ok = re.test(result.finalText);
      return verdict(
        name,
        ok,
        ok ? 'the final text matches' : `the final text ${preview(result.finalText)} does not match`,
      );
    },
  };
}

/** The structured output of a run: `finalStructured`, else the final text parsed as JSON. */
function outputOf(ctx: AssertionContext): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (ctx.result.finalStructured !== undefined) return { ok: true, value: ctx.result.finalStructured };
  try {
    return { ok: true, value: JSON.parse(ctx.result.finalText) };
  } catch {
    return { ok: false, reason: `the output is not JSON: ${preview(ctx.result.finalText)}` };
  }
}

/**
 * Passes when the run's structured output (`finalStructured`, else the final text as JSON) fits
 * the schema: a zod schema, or a JSON Schema object (draft 2020-12; what cases files use).
 *
 * @example
 * outputMatchesSchema(z.object({ city: z.string(), tempC: z.number() }))
 */
export function outputMatchesSchema(schema: z.ZodType | { [key: string]: JSONValue }): Assertion {
  const isZod = typeof (schema as z.ZodType).safeParse === 'function';
  const validator = isZod ? undefined : new Validator(schema as Schema, '2020-12', false);
  const name = 'outputMatchesSchema';
  return {
    name,
    evaluate: (ctx) => {
      const out = outputOf(ctx);
      if (!out.ok) return verdict(name, false, out.reason);
      if (validator) {
        const r = validator.validate(out.value);
        return r.valid
          ? verdict(name, true, 'the output fits the schema')
          : verdict(
              name,
              false,
              `the output does not fit the schema: ${r.errors
                .slice(0, 5)
                .map((e) => `${e.instanceLocation} ${e.error}`)
                .join('; ')}`,
            );
      }
      const r = (schema as z.ZodType).safeParse(out.value);
      return r.success
        ? verdict(name, true, 'the output fits the schema')
        : verdict(
            name,
            false,
            `the output does not fit the schema: ${r.error.issues
              .slice(0, 5)
              .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
              .join('; ')}`,
          );
    },
  };
}
