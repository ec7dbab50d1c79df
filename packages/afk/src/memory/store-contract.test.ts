import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { InMemoryStore } from './in-memory.js';
import { describeStoreContract } from './store-contract.js';
import { dexieHarness } from './test-support/dexie-harness.js';

describeStoreContract('InMemoryStore', () => ({ store: new InMemoryStore() }));

// Node has no Web Locks, so DexieStore leases are rows in the `leases` table (TTL, takeover).
describeStoreContract('DexieStore (fake-indexeddb)', () => dexieHarness({ indexedDB, IDBKeyRange }));
