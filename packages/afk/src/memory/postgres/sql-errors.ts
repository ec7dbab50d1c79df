import { type AfkError, type AfkErrorCode, AfkStorageError, isAfkError } from '../../errors/index.js';

/** SQLSTATE codes mapped to AFK codes; every other code is `storage_error`. */
const CODES: ReadonlyArray<readonly [string, AfkErrorCode]> = [
  ['53100', 'storage_quota'], // disk_full
  ['53200', 'storage_quota'], // out_of_memory
  ['22P02', 'invalid_argument'], // invalid_text_representation
  ['22P05', 'invalid_argument'], // untranslatable_character
  ['54000', 'invalid_argument'], // program_limit_exceeded (e.g. a row too large)
  ['57P03', 'storage_blocked'], // cannot_connect_now (starting up)
];

/**
 * Wraps a driver error as an `AfkStorageError`, by SQLSTATE, keeping `cause`: disk full →
 * `storage_quota`, server starting up → `storage_blocked`, a unique violation on the event
 * log (another writer appended the same seq) and anything else → `storage_error`. AFK errors
 * pass through unchanged.
 */
export function toSqlStorageError(e: unknown, operation: string): AfkError {
  if (isAfkError(e)) return e;
  const o = (typeof e === 'object' && e !== null ? e : {}) as {
    code?: unknown;
    message?: unknown;
    constraint?: unknown;
    table?: unknown;
  };
  const sqlstate = typeof o.code === 'string' ? o.code : undefined;
  const message = typeof o.message === 'string' ? o.message : String(e);
  if (sqlstate === '23505' && (o.table === 'afk_events' || /afk_events/.test(message))) {
    return new AfkStorageError(
      'storage_error',
      `${operation} failed: an event with this (run, seq) is already stored; another writer? (${message})`,
      { cause: e },
    );
  }
  const code = sqlstate ? CODES.find(([k]) => k === sqlstate)?.[1] : undefined;
  return new AfkStorageError(
    code ?? 'storage_error',
    `${operation} failed: ${sqlstate ? `${sqlstate} ` : ''}${message}`,
    { cause: e },
  );
}
