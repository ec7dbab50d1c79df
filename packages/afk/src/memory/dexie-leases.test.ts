import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { DexieStore } from './dexie-store.js';
import { uniqueDbName } from './test-support/dexie-harness.js';

describe('DexieStore row leases (no Web Locks)', () => {
  it('close() releases the leases this store holds, like InMemoryStore and Web Locks', async () => {
    const name = uniqueDbName();
    const first = new DexieStore({ name, indexedDB, IDBKeyRange, leases: 'table' });
    const lease = await first.acquireLease('r1', 'owner-a', 60_000);
    expect(lease).toBeDefined();
    await first.close();
    // The owner's own late release (a runner's finally) is a no-op, not a storage_closed error.
    await expect(lease!.release()).resolves.toBeUndefined();
    const second = new DexieStore({ name, indexedDB, IDBKeyRange, leases: 'table' });
    try {
      expect(await second.acquireLease('r1', 'owner-b', 60_000)).toBeDefined();
    } finally {
      await second.close();
    }
  });
});
