import { Dexie } from 'dexie';
import { IDBDatabase, IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { DexieStore } from './dexie-store.js';
import { describeDexieStoreBehaviour } from './test-support/dexie-suite.js';

// Dexie's liveQuery only runs where Dexie found a global IndexedDB; give it the fake one.
Dexie.dependencies.indexedDB ??= indexedDB;
Dexie.dependencies.IDBKeyRange ??= IDBKeyRange;

describeDexieStoreBehaviour('fake-indexeddb', { indexedDB, IDBKeyRange, IDBDatabase });

describe('DexieStore in Node', () => {
  it('explains what to do when there is no IndexedDB', () => {
    expect(() => new DexieStore({ name: 'x' })).toThrow(/fake-indexeddb/);
  });

  it('uses row leases when Web Locks are missing, and refuses to pretend otherwise', () => {
    expect(() => new DexieStore({ name: 'x', indexedDB, IDBKeyRange, leases: 'web-locks' })).toThrow(
      /Web Locks/,
    );
  });
});
