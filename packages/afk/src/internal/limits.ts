/** Bounds for a JSON value from an untrusted source (a model's tool arguments, a tool's output). */
export interface JsonBounds {
  /** Deepest nesting allowed; the value itself is depth 1 if it is an array or object (default 64). */
  maxDepth?: number;
  /** Largest size allowed, in bytes of its JSON text (UTF-8; approximate for escaped characters). Default 1 MiB. */
  maxBytes?: number;
}

/** Why a value is out of bounds. */
export interface JsonBoundsIssue {
  kind: 'depth' | 'size' | 'cycle';
  /** Where it was found (first 16 segments). */
  path: Array<string | number>;
  message: string;
}

/** Default bounds of `checkJsonBounds`. */
export const DEFAULT_JSON_BOUNDS: Readonly<Required<JsonBounds>> = Object.freeze({
  maxDepth: 64,
  maxBytes: 1_048_576,
});

/** Bytes of `s` as UTF-8 inside a JSON string (each code unit counted once, plus its extra bytes). */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0x22 || c === 0x5c || c < 0x20) n += 1; // escaped: \" \\ \n ...
    } else if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 2; // a surrogate pair: 2 code units, 4 bytes
      i++;
    } else n += 2;
  }
  return n;
}

function primitiveBytes(v: unknown): number {
  switch (typeof v) {
    case 'string':
      return utf8Length(v) + 2;
    case 'number':
      return Number.isFinite(v) ? String(v).length : 4;
    case 'boolean':
      return v ? 4 : 5;
    case 'bigint':
      return v.toString().length + 2;
    default:
      return 4; // null, and what JSON turns into null
  }
}

interface Frame {
  src: object;
  keys: string[] | null;
  i: number;
}

/**
 * Checks that a value stays within a nesting depth and a serialised size, without recursion
 * (an explicit stack: 10,000 levels cannot overflow it) and stopping at the first excess, so
 * the cost is bounded by the limits, not by the input. Returns the first issue, or undefined
 * when the value is within bounds. Cycles are reported (JSON has none).
 *
 * @example
 * checkJsonBounds(args, { maxDepth: 32, maxBytes: 64_000 })
 * // → undefined, or { kind: 'depth', path: ['a', 'a', ...], message: 'nested deeper than 32 levels at a.a.…' }
 */
export function checkJsonBounds(value: unknown, bounds: JsonBounds = {}): JsonBoundsIssue | undefined {
  const maxDepth = bounds.maxDepth ?? DEFAULT_JSON_BOUNDS.maxDepth;
  const maxBytes = bounds.maxBytes ?? DEFAULT_JSON_BOUNDS.maxBytes;
  if (typeof value !== 'object' || value === null) {
    const bytes = primitiveBytes(value);
    return bytes > maxBytes ? sizeIssue([], bytes, maxBytes) : undefined;
  }
  let bytes = 0;
  const onPath = new Set<object>();
  const stack: Frame[] = [];
  const path = (extra?: string | number): Array<string | number> => {
    const p: Array<string | number> = [];
    for (let i = 0; i < stack.length && p.length < 16; i++) {
      const f = stack[i] as Frame;
      p.push(f.keys === null ? f.i - 1 : (f.keys[f.i - 1] as string));
    }
    if (extra !== undefined && p.length < 16) p.push(extra);
    return p;
  };
  const enter = (src: object): JsonBoundsIssue | undefined => {
    if (onPath.has(src)) return { kind: 'cycle', path: path(), message: `a cycle at ${label(path())}` };
    if (stack.length + 1 > maxDepth) {
      const p = path();
      return { kind: 'depth', path: p, message: `nested deeper than ${maxDepth} levels at ${label(p)}` };
    }
    onPath.add(src);
    const isArray = Array.isArray(src);
    stack.push({ src, keys: isArray ? null : Object.keys(src), i: 0 });
    bytes += 2; // [] or {}
    return undefined;
  };
  const first = enter(value);
  if (first) return first;
  while (stack.length) {
    if (bytes > maxBytes) return sizeIssue(path(), bytes, maxBytes);
    const f = stack[stack.length - 1] as Frame;
    let v: unknown;
    if (f.keys === null) {
      const arr = f.src as unknown[];
      if (f.i >= arr.length) {
        onPath.delete(f.src);
        stack.pop();
        continue;
      }
      if (f.i > 0) bytes += 1; // comma
      v = arr[f.i++];
    } else {
      if (f.i >= f.keys.length) {
        onPath.delete(f.src);
        stack.pop();
        continue;
      }
      const k = f.keys[f.i++] as string;
      v = (f.src as Record<string, unknown>)[k];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      bytes += utf8Length(k) + 3 + (f.i > 1 ? 1 : 0); // "k": and a comma
    }
    if (typeof v === 'object' && v !== null && !(v instanceof Date)) {
      const issue = enter(v);
      if (issue) return issue;
    } else bytes += v instanceof Date ? 26 : primitiveBytes(v);
  }
  return bytes > maxBytes ? sizeIssue([], bytes, maxBytes) : undefined;
}

function label(path: Array<string | number>): string {
  return path.length ? path.join('.') + (path.length >= 16 ? '.…' : '') : '(root)';
}

function sizeIssue(path: Array<string | number>, bytes: number, maxBytes: number): JsonBoundsIssue {
  return {
    kind: 'size',
    path,
    message: `larger than ${maxBytes} bytes (${bytes}+ bytes${path.length ? ` when reaching ${label(path)}` : ''})`,
  };
}
