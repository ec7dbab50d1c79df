import type { JSONValue } from './json.js';

/**
 * Keys whose values never reach the store, events, exports or logs (see `redact` for how a key
 * matches). `RunnerConfig.redactKeys` defaults to these.
 */
export const DEFAULT_REDACT_KEYS: readonly string[] = [
  'apiKey',
  'authorization',
  'password',
  'secret',
  'token',
  'cookie',
  'set-cookie',
  'privateKey',
  'clientSecret',
  'accessToken',
  'refreshToken',
];
export const REDACTED = '[redacted]';

/**
 * A key's normal form for matching: lower case, without `-`, `_`, `.` and whitespace, so
 * `api_key`, `x-api-key`, `Api-Key` and `API KEY` all contain `apikey`.
 *
 * @example
 * normaliseRedactKey('X-Api-Key') // 'xapikey'
 */
export function normaliseRedactKey(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '');
}

/**
 * Well-known token *counts* (model limits and usage): their names contain `token` but they hold
 * numbers, not credentials, and the debugger must show them. Matched on the normal form, exactly.
 */
const TOKEN_COUNT_KEYS: ReadonlySet<string> = new Set([
  'maxtokens',
  'maxoutputtokens',
  'maxcompletiontokens',
  'maxinputtokens',
  'inputtokens',
  'outputtokens',
  'totaltokens',
  'prompttokens',
  'completiontokens',
  'cachedtokens',
  'cachedinputtokens',
  'reasoningtokens',
  'tokencount',
  'tokensused',
]);

function matches(normalisedKey: string, normalised: readonly string[]): boolean {
  if (TOKEN_COUNT_KEYS.has(normalisedKey)) return false;
  for (const r of normalised) if (normalisedKey.includes(r)) return true;
  return false;
}

let lastKeys: readonly string[] | undefined;
let lastNormalised: string[] = [];

function normalisedKeys(keys: readonly string[]): string[] {
  if (keys !== lastKeys) {
    lastNormalised = keys.map(normaliseRedactKey).filter((k) => k.length > 0);
    lastKeys = keys;
  }
  return lastNormalised;
}

/** True when `key` is redacted by `keys`: its normal form contains one of theirs. */
export function isRedactedKey(key: string, keys: readonly string[] = DEFAULT_REDACT_KEYS): boolean {
  return matches(normaliseRedactKey(key), normalisedKeys(keys));
}

/**
 * Deep-copies a JSON value, replacing the value of every key that matches one of `keys` with
 * "[redacted]". A key matches when its normal form (lower case, no `-`, `_`, `.` or spaces)
 * *contains* the normal form of a redact key: `x-api-key`, `api_key` and `openaiApiKey` match
 * `apiKey`; `set-cookie` matches `cookie`. Containment, not equality or suffix, on purpose: a
 * false positive only hides a value from the log, a false negative (`passwordHash`,
 * `tokenValue`) would leak a secret. The one exception is a short list of well-known token
 * counts (`maxTokens`, `inputTokens`, `total_tokens`, …), which are numbers the debugger must
 * show. Secrets never reach the store, events or exports.
 *
 * @example
 * redact({ 'X-Api-Key': 'sk-1', user: 'ann' }) // { 'X-Api-Key': '[redacted]', user: 'ann' }
 */
export function redact(value: JSONValue, keys: readonly string[] = DEFAULT_REDACT_KEYS): JSONValue {
  const normalised = normalisedKeys(keys);
  const walk = (v: JSONValue): JSONValue => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: { [key: string]: JSONValue } = {};
      for (const [k, inner] of Object.entries(v)) {
        out[k] = matches(normaliseRedactKey(k), normalised) ? REDACTED : walk(inner);
      }
      return out;
    }
    return v;
  };
  return walk(value);
}
