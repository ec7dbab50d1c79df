import type { JSONValue } from '../internal/json.js';
import { toJSONValue } from '../internal/json.js';
import { isRedactedKey, REDACTED, redact } from '../internal/redact.js';

/** How payloads are shaped before they leave the store (exports, span attributes). */
export interface PayloadOptions {
  includeContent: boolean;
  maxPayloadChars: number;
  redactKeys: readonly string[];
}

/**
 * Keys whose values are conversation content (message texts, tool args and outputs, answers):
 * with `includeContent: false` they are replaced by their size.
 */
const CONTENT_KEYS = new Set([
  'content',
  'text',
  'args',
  'output',
  'outputText',
  'finalText',
  'finalStructured',
  'structured',
  'task',
  'value',
  'summary',
  'reasoning',
  'history',
  'input',
]);

/** A short marker standing for a value that was left out. */
export function omitted(v: JSONValue): string {
  const size = typeof v === 'string' ? v.length : JSON.stringify(v).length;
  return `[omitted: ${size} chars]`;
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}… [truncated ${s.length - max} chars]`;
}

/**
 * One payload (args, an output, a message text) as the debugger shows it: JSON-safe, redacted,
 * cut to `maxPayloadChars`, or only its size when content is excluded.
 */
export function shapePayload(value: unknown, opts: PayloadOptions): JSONValue {
  // Strings (message texts, tool results) and numbers are most payloads: no walk, no copy.
  if (typeof value === 'string') {
    const text = redactJsonText(value, opts.redactKeys);
    return opts.includeContent ? truncate(text, opts.maxPayloadChars) : omitted(text);
  }
  const raw = toJSONValue(value);
  if (typeof raw === 'string') return shapePayload(raw, opts);
  if (!opts.includeContent) return omitted(redact(raw, opts.redactKeys));
  if (raw === null || typeof raw !== 'object') return raw;
  return redactTruncated(raw, opts.redactKeys, opts.maxPayloadChars);
}

/**
 * Redacts (as `redact` does) and cuts every string to `max` characters in one walk over a JSON value `toJSONValue` just made (so
 * it is a tree of plain values, at most `MAX_JSON_DEPTH` deep): one copy instead of two.
 */
function redactTruncated(v: JSONValue, keys: readonly string[], max: number): JSONValue {
  if (typeof v === 'string') return truncate(v, max);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => redactTruncated(x, keys, max));
  const out: { [k: string]: JSONValue } = {};
  for (const k of Object.keys(v)) {
    out[k] = isRedactedKey(k, keys) ? truncate(REDACTED, max) : redactTruncated(v[k] as JSONValue, keys, max);
  }
  return out;
}

/**
 * A run record's listing summary (`{ input?, steps, usage }`) is structure, not content: it is
 * walked (its `input` omitted like any other message text), not replaced by its size.
 */
function isRunSummary(key: string, v: JSONValue): boolean {
  return key === 'summary' && v !== null && typeof v === 'object' && !Array.isArray(v) && 'steps' in v;
}

/**
 * A whole record (an event, an approval, a run record) as it leaves the store: values under
 * redact keys replaced, content keys replaced by their sizes when content is excluded, long
 * strings cut. Ids and structure are kept, so the result still validates as the same record
 * (token counts under `usage` are left alone: `inputTokens` contains "token", but is no secret).
 */
export function shapeRecord<T>(value: T, opts: PayloadOptions): T {
  const walk = (v: JSONValue, key: string | undefined): JSONValue => {
    if (typeof v === 'string') return truncate(redactJsonText(v, opts.redactKeys), opts.maxPayloadChars);
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, undefined));
    // Token counts (`usage.inputTokens`) are numbers the schemas need, not secrets.
    if (key === 'usage') return v;
    const out: { [k: string]: JSONValue } = {};
    for (const [k, x] of Object.entries(v)) {
      if (isRedactedKey(k, opts.redactKeys)) out[k] = REDACTED;
      else
        out[k] =
          !opts.includeContent && CONTENT_KEYS.has(k) && isContent(x) && !isRunSummary(k, x)
            ? omitted(x)
            : walk(x, k);
    }
    return out;
  };
  return walk(toJSONValue(value), undefined) as unknown as T;
}

/**
 * Tool results reach the transcript as text, often JSON (`{"apiKey":"…"}`): such text is parsed,
 * redacted and written back, so a secret under a redact key does not leave inside a string.
 */
export function redactJsonText(s: string, keys: readonly string[]): string {
  const c = s.charCodeAt(0);
  if (c !== 123 && c !== 91) return s; // '{' or '['
  let parsed: JSONValue;
  try {
    parsed = JSON.parse(s) as JSONValue;
  } catch {
    return s;
  }
  const cleaned = JSON.stringify(redact(parsed, keys));
  return cleaned === JSON.stringify(parsed) ? s : cleaned;
}

/** Arrays of messages under `history`/`input` keep their shape (each message's text is omitted). */
function isContent(v: JSONValue): boolean {
  if (Array.isArray(v))
    return !v.every((m) => m !== null && typeof m === 'object' && !Array.isArray(m) && 'role' in m);
  return true;
}
