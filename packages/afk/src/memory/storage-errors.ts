import { type AfkError, type AfkErrorCode, AfkStorageError, isAfkError } from '../errors/index.js';

/**
 * IndexedDB / Dexie error names mapped to AFK codes, most specific first: a quota error often
 * arrives wrapped (an `AbortError` whose `inner` is the `QuotaExceededError`, or a `BulkError`
 * whose `failures` hold it), so the whole chain is searched for each name in this order.
 */
const CODES: ReadonlyArray<readonly [string, AfkErrorCode]> = [
  ['QuotaExceededError', 'storage_quota'],
  ['VersionError', 'storage_version'],
  ['UpgradeError', 'storage_version'],
  ['DatabaseClosedError', 'storage_closed'],
  ['VersionChangeError', 'storage_closed'],
  ['MissingAPIError', 'unsupported'],
  ['DataCloneError', 'invalid_argument'],
  ['ConstraintError', 'storage_error'],
];

/** Every error reachable from `e` through Dexie's `inner`, `cause` and `failures` (bounded). */
function errorChain(e: unknown): Array<{ name: string; message: string }> {
  const out: Array<{ name: string; message: string }> = [];
  const queue: unknown[] = [e];
  const seen = new Set<unknown>();
  while (queue.length && out.length < 20) {
    const cur = queue.shift();
    if (typeof cur !== 'object' || cur === null || seen.has(cur)) continue;
    seen.add(cur);
    const o = cur as {
      name?: unknown;
      message?: unknown;
      inner?: unknown;
      cause?: unknown;
      failures?: unknown;
    };
    out.push({
      name: typeof o.name === 'string' ? o.name : 'Error',
      message: typeof o.message === 'string' ? o.message : '',
    });
    queue.push(o.inner, o.cause);
    if (Array.isArray(o.failures)) queue.push(...o.failures.slice(0, 5));
    else if (typeof o.failures === 'object' && o.failures !== null)
      queue.push(...Object.values(o.failures).slice(0, 5));
  }
  return out;
}

/**
 * Wraps any error from IndexedDB/Dexie as an `AfkStorageError`, by name, keeping `cause`:
 * `QuotaExceededError` → `storage_quota`, `DatabaseClosedError` → `storage_closed`,
 * `VersionError` → `storage_version`, `ConstraintError` and anything else → `storage_error`.
 * AFK errors pass through unchanged.
 */
export function toStorageError(e: unknown, operation: string): AfkError {
  if (isAfkError(e)) return e;
  const chain = errorChain(e);
  const top = chain[0] ?? { name: 'Error', message: String(e) };
  for (const [name, code] of CODES) {
    const hit = chain.find((c) => c.name === name);
    if (hit)
      return new AfkStorageError(code, `${operation} failed: ${hit.name}: ${hit.message || top.message}`, {
        cause: e,
      });
  }
  return new AfkStorageError('storage_error', `${operation} failed: ${top.name}: ${top.message}`, {
    cause: e,
  });
}
