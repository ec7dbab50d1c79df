import { describe, expect, it } from 'vitest';
import { toJSONValue } from './json.js';
import { checkJsonBounds } from './limits.js';

/** `{ a: { a: ... { a: 1 } } }`, `levels` objects deep, built without recursion. */
function nested(levels: number): Record<string, unknown> {
  let v: Record<string, unknown> = { a: 1 };
  for (let i = 1; i < levels; i++) v = { a: v };
  return v;
}

function nestedArrays(levels: number): unknown[] {
  let v: unknown[] = [1];
  for (let i = 1; i < levels; i++) v = [v];
  return v;
}

describe('checkJsonBounds: oversized or deep input from a model', () => {
  it('reports 2,000 and 10,000 levels of nested args as a depth issue, without overflowing the stack', () => {
    for (const levels of [2_000, 10_000]) {
      for (const args of [nested(levels), nestedArrays(levels)]) {
        const issue = checkJsonBounds(args, { maxDepth: 64 });
        expect(issue?.kind, String(levels)).toBe('depth');
        expect(issue?.message).toContain('64 levels');
        expect(issue?.path.length).toBe(16);
      }
    }
  });

  it('accepts a value within bounds and measures its serialised size', () => {
    const args = { city: 'Zürich', tags: ['a', 'b'], n: 12, ok: true, none: null };
    expect(checkJsonBounds(args)).toBeUndefined();
    expect(checkJsonBounds(nested(64), { maxDepth: 64 })).toBeUndefined();
    expect(checkJsonBounds(nested(65), { maxDepth: 64 })?.kind).toBe('depth');
    const exact = new TextEncoder().encode(JSON.stringify(args)).length;
    expect(checkJsonBounds(args, { maxBytes: exact })).toBeUndefined();
    expect(checkJsonBounds(args, { maxBytes: exact - 1 })?.kind).toBe('size');
  });

  it('stops at the first excess: a huge value costs only up to the limit', () => {
    const huge = { rows: Array.from({ length: 200_000 }, (_, i) => ({ i, text: 'x'.repeat(20) })) };
    const t0 = performance.now();
    const issue = checkJsonBounds(huge, { maxBytes: 10_000 });
    expect(issue?.kind).toBe('size');
    expect(issue?.path.slice(0, 2)).toEqual(['rows', expect.any(Number)]);
    expect(issue?.path[1] as number).toBeLessThan(1_000);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(checkJsonBounds('y'.repeat(100), { maxBytes: 50 })?.kind).toBe('size');
  });

  it('reports a cycle', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(checkJsonBounds(a)).toMatchObject({ kind: 'cycle', path: ['self'] });
  });
});

describe('toJSONValue on deep input', () => {
  it('2,000 and 10,000 levels: a typed invalid_argument error, never a RangeError', () => {
    for (const levels of [2_000, 10_000]) {
      for (const v of [nested(levels), nestedArrays(levels)]) {
        let err: unknown;
        try {
          toJSONValue(v);
        } catch (e) {
          err = e;
        }
        expect(err).not.toBeInstanceOf(RangeError);
        expect(err).toMatchObject({ name: 'AfkError', code: 'invalid_argument' });
        expect((err as Error).message).toContain('deeper than 256 levels');
      }
    }
  });

  it('converts up to its maxDepth, iteratively, with the same output as before', () => {
    const v = nested(256);
    const out = toJSONValue(v);
    expect(JSON.stringify(out)).toBe(JSON.stringify(v));
    expect(toJSONValue(nested(3000), { maxDepth: 5000 })).toBeDefined();
    expect(() => toJSONValue(nested(10), { maxDepth: 5 })).toThrow(/deeper than 5 levels/);
    expect(toJSONValue([1, undefined, () => 1, Symbol('s'), { f: () => 1, u: undefined, k: 'v' }])).toEqual([
      1,
      null,
      null,
      null,
      { k: 'v' },
    ]);
  });
});
