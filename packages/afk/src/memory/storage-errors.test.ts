import { describe, expect, it } from 'vitest';
import { AfkStorageError } from '../errors/index.js';
import { toStorageError } from './storage-errors.js';

const named = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), { name, ...extra });

describe('toStorageError', () => {
  it.each([
    ['QuotaExceededError', 'storage_quota'],
    ['DatabaseClosedError', 'storage_closed'],
    ['VersionError', 'storage_version'],
    ['UpgradeError', 'storage_version'],
    ['ConstraintError', 'storage_error'],
    ['MissingAPIError', 'unsupported'],
    ['DataCloneError', 'invalid_argument'],
    ['UnknownError', 'storage_error'],
  ])('maps %s to %s, keeping the cause', (name, code) => {
    const cause = named(name);
    const e = toStorageError(cause, 'write');
    expect(e).toBeInstanceOf(AfkStorageError);
    expect(e.code).toBe(code);
    expect(e.cause).toBe(cause);
    expect(e.message).toContain('write failed');
  });

  it('finds a quota error wrapped by Dexie (AbortError.inner, BulkError.failures, OpenFailedError)', () => {
    expect(
      toStorageError(named('AbortError', { inner: new DOMException('full', 'QuotaExceededError') }), 'w')
        .code,
    ).toBe('storage_quota');
    expect(toStorageError(named('BulkError', { failures: [named('QuotaExceededError')] }), 'w').code).toBe(
      'storage_quota',
    );
    expect(toStorageError(named('OpenFailedError', { inner: named('VersionError') }), 'open').code).toBe(
      'storage_version',
    );
  });

  it('passes AFK errors through and survives odd throwables', () => {
    const afk = new AfkStorageError('row_corrupt', 'bad row');
    expect(toStorageError(afk, 'read')).toBe(afk);
    expect(toStorageError('boom', 'read').code).toBe('storage_error');
    const cyclic: { name: string; inner?: unknown } = { name: 'AbortError' };
    cyclic.inner = cyclic;
    expect(toStorageError(cyclic, 'read').code).toBe('storage_error');
  });
});
