import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { afterEach } from 'vitest';
import { DexieStore } from '../dexie-store.js';
import { InMemoryStore } from '../in-memory.js';
import type { MemoryStore } from '../types.js';
import { uniqueDbName } from './dexie-harness.js';

/**
 * The stores a Node test runs a behaviour on (`describe.each(nodeStores('afk-x'))`):
 * `InMemoryStore` and `DexieStore` on fake-indexeddb (a fresh database each, closed after each
 * test). Call it at the top level of a test file: it registers the `afterEach` that closes them.
 */
export function nodeStores(dbPrefix: string): Array<[string, () => MemoryStore]> {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });
  return [
    ['InMemoryStore', () => new InMemoryStore()],
    [
      'DexieStore (fake-indexeddb)',
      () => {
        const s = new DexieStore({ name: uniqueDbName(dbPrefix), indexedDB, IDBKeyRange });
        closers.push(() => s.close());
        return s;
      },
    ],
  ];
}
