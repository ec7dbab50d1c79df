import { z } from 'zod';

/** Any JSON value. */
export type JSONValue = string | number | boolean | null | JSONValue[] | { [key: string]: JSONValue };
/** A JSON Schema document (opaque to AFK beyond being JSON). */
export type JSONSchema = { [key: string]: JSONValue };

export const JSONValueSchema: z.ZodType<JSONValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JSONValueSchema),
    z.record(z.string(), JSONValueSchema),
  ]),
);

/**
 * Makes any value JSON-safe: drops functions/undefined, turns Errors into `{ name, message }`,
 * bigint into strings and cycles into "[Circular]". Used before anything reaches the store.
 * (Hot path: primitives return at once; cycle detection keeps only the current ancestry.)
 */
export function toJSONValue(value: unknown): JSONValue {
  if (value === null) return null;
  const t = typeof value;
  if (t === 'string' || t === 'boolean') return value as string | boolean;
  if (t === 'number') return Number.isFinite(value) ? (value as number) : String(value);
  return convert(value, []);
}

function convert(value: unknown, ancestors: object[]): JSONValue {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return null;
  }
  const obj = value as object;
  if (ancestors.includes(obj)) return '[Circular]';
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (value instanceof Date) return value.toISOString();
  ancestors.push(obj);
  try {
    if (Array.isArray(value)) return value.map((v) => convert(v, ancestors));
    const out: { [key: string]: JSONValue } = {};
    for (const k in obj) {
      if (!Object.hasOwn(obj, k)) continue;
      const v = (obj as Record<string, unknown>)[k];
      if (v === undefined || typeof v === 'function') continue;
      out[k] = convert(v, ancestors);
    }
    return out;
  } finally {
    ancestors.pop();
  }
}

/** Stable JSON (sorted keys) for hashing and cache keys. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** FNV-1a 64-bit hash as 16 hex chars: fast, synchronous, deterministic (not cryptographic). */
export function hashString(input: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ input.length;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/** Hash of a JSON-able value, independent of key order. */
export function hashValue(value: unknown): string {
  return hashString(stableStringify(value));
}
