import { describe, expect, it } from 'vitest';
import { hashValue, stableStringify, toJSONValue } from './json.js';

describe('toJSONValue', () => {
  it('makes values JSON-safe: cycles, errors, dates, bigint, functions, non-finite numbers', () => {
    const a: Record<string, unknown> = {
      n: 1,
      f: () => 1,
      u: undefined,
      big: 10n,
      inf: Infinity,
      d: new Date(0),
      e: new Error('x'),
    };
    a.self = a;
    const shared = { k: 1 };
    expect(toJSONValue({ a, pair: [shared, shared] })).toEqual({
      a: {
        n: 1,
        big: '10',
        inf: 'Infinity',
        d: '1970-01-01T00:00:00.000Z',
        e: { name: 'Error', message: 'x' },
        self: '[Circular]',
      },
      pair: [{ k: 1 }, { k: 1 }],
    });
    expect(toJSONValue('s')).toBe('s');
    expect(toJSONValue(undefined)).toBeNull();
  });

  it('hashes independently of key order', () => {
    expect(stableStringify({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
    expect(hashValue({ a: 1, b: 2 })).toBe(hashValue({ b: 2, a: 1 }));
    expect(hashValue({ a: 1 })).not.toBe(hashValue({ a: 2 }));
  });
});
