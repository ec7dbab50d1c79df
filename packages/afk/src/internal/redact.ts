import type { JSONValue } from './json.js';

export const DEFAULT_REDACT_KEYS = ['apiKey', 'authorization', 'password', 'secret', 'token'];
export const REDACTED = '[redacted]';

/**
 * Deep-copies a JSON value, replacing the value of any key whose name contains one of `keys`
 * (case-insensitive) with "[redacted]". Secrets never reach the store, events or exports.
 */
export function redact(value: JSONValue, keys: readonly string[] = DEFAULT_REDACT_KEYS): JSONValue {
  const lowered = keys.map((k) => k.toLowerCase());
  const walk = (v: JSONValue): JSONValue => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: { [key: string]: JSONValue } = {};
      for (const [k, inner] of Object.entries(v)) {
        const lk = k.toLowerCase();
        out[k] = lowered.some((r) => lk.includes(r)) ? REDACTED : walk(inner);
      }
      return out;
    }
    return v;
  };
  return walk(value);
}
