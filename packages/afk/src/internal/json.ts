import { z } from 'zod';
import { AfkError } from '../errors/index.js';

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
 * The deepest nesting `toJSONValue` converts (default of its `maxDepth`). Engines serialise
 * recursively: V8's `JSON.stringify` and `structuredClone` overflow the stack somewhere past
 * ~1,500 levels, so a deeper value could never be stored or sent anyway. 256 levels is far
 * beyond any real tool output or argument.
 */
export const MAX_JSON_DEPTH = 256;

/** Options of `toJSONValue`. */
export interface ToJSONValueOptions {
  /** Nesting beyond this many levels is refused (default `MAX_JSON_DEPTH`). */
  maxDepth?: number;
}

const CONTAINER = Symbol('container');

/** The JSON form of a non-container value, or CONTAINER for arrays and plain objects. */
function leaf(value: unknown): JSONValue | typeof CONTAINER {
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
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (value instanceof Date) return value.toISOString();
  return CONTAINER;
}

interface Frame {
  src: object;
  out: JSONValue[] | { [key: string]: JSONValue };
  /** Keys of an object; null for an array. */
  keys: string[] | null;
  i: number;
}

/**
 * Makes any value JSON-safe: drops functions/undefined, turns Errors into `{ name, message }`,
 * bigint into strings and cycles into "[Circular]". Used before anything reaches the store.
 * Iterative (an explicit stack, never the call stack), so no input can overflow it; nesting
 * deeper than `maxDepth` (default `MAX_JSON_DEPTH`, 256) is refused with an `AfkError`
 * `invalid_argument` naming where, since no engine could serialise it later.
 * (Hot path: primitives return at once; cycle detection keeps only the current ancestry.)
 *
 * @example
 * toJSONValue({ at: new Date(0), n: 10n }) // { at: '1970-01-01T00:00:00.000Z', n: '10' }
 */
export function toJSONValue(value: unknown, opts?: ToJSONValueOptions): JSONValue {
  if (value === null) return null;
  const t = typeof value;
  if (t === 'string' || t === 'boolean') return value as string | boolean;
  if (t === 'number') return Number.isFinite(value) ? (value as number) : String(value);
  const l = leaf(value);
  if (l !== CONTAINER) return l;
  const maxDepth = opts?.maxDepth ?? MAX_JSON_DEPTH;
  const onPath = new Set<object>();
  const frame = (src: object): Frame => {
    onPath.add(src);
    return Array.isArray(src)
      ? { src, out: new Array<JSONValue>(src.length), keys: null, i: 0 }
      : { src, out: {}, keys: Object.keys(src), i: 0 };
  };
  const root = frame(value as object);
  const stack: Frame[] = [root];
  while (stack.length) {
    const f = stack[stack.length - 1] as Frame;
    let key: string | number;
    let v: unknown;
    if (f.keys === null) {
      const arr = f.src as unknown[];
      if (f.i >= arr.length) {
        onPath.delete(f.src);
        stack.pop();
        continue;
      }
      key = f.i++;
      v = arr[key];
    } else {
      if (f.i >= f.keys.length) {
        onPath.delete(f.src);
        stack.pop();
        continue;
      }
      key = f.keys[f.i++] as string;
      v = (f.src as Record<string, unknown>)[key];
      if (v === undefined || typeof v === 'function') continue;
    }
    const out = f.out as Record<string | number, JSONValue>;
    const lv = leaf(v);
    if (lv !== CONTAINER) out[key] = lv;
    else if (onPath.has(v as object)) out[key] = '[Circular]';
    else {
      if (stack.length >= maxDepth) throw tooDeep(stack, key, maxDepth);
      const child = frame(v as object);
      out[key] = child.out;
      stack.push(child);
    }
  }
  return root.out;
}

function tooDeep(stack: Frame[], key: string | number, maxDepth: number): AfkError {
  const path: Array<string | number> = [];
  for (let i = 0; i < stack.length && path.length < 8; i++) {
    const f = stack[i] as Frame;
    path.push(f.keys === null ? f.i - 1 : (f.keys[f.i - 1] as string));
  }
  if (stack.length < 8) path.push(key);
  return new AfkError(
    'invalid_argument',
    `value is nested deeper than ${maxDepth} levels (at ${path.join('.')}${stack.length >= 8 ? '.…' : ''}); it cannot be stored or serialised`,
    { issues: [{ path, message: `nested deeper than ${maxDepth} levels`, code: 'too_deep' }] },
  );
}

/** Stable JSON (sorted keys) for hashing and cache keys. Nesting beyond `MAX_JSON_DEPTH` is `invalid_argument`. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value, 0));
}

function sortKeys(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (depth >= MAX_JSON_DEPTH) {
    throw new AfkError(
      'invalid_argument',
      `value is nested deeper than ${MAX_JSON_DEPTH} levels; it cannot be hashed`,
    );
  }
  if (Array.isArray(value)) return value.map((v) => sortKeys(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = sortKeys(v, depth + 1);
  }
  return out;
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
