import type { Table } from 'dexie';
import { DexieStore, type DexieStoreOptions } from '../dexie-store.js';
import type { StoreHarness } from '../store-contract.js';

/** IndexedDB implementation for a test run: fake-indexeddb in Node, the real one in Chromium. */
export interface IdbDeps {
  indexedDB: IDBFactory;
  IDBKeyRange: typeof IDBKeyRange;
}

let counter = 0;
/** A database name no other test uses (tests share one IndexedDB per worker / page). */
export function uniqueDbName(prefix = 'afk-test'): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A fresh `DexieStore` on its own database, with raw table access for corrupt-row tests. */
export function dexieHarness(
  deps: IdbDeps,
  options: Partial<DexieStoreOptions> = {},
): StoreHarness & { store: DexieStore } {
  const store = new DexieStore({ name: uniqueDbName(), ...deps, ...options });
  const table = (name: string) => store.dexie.table(name) as Table<unknown, unknown>;
  return {
    store,
    putRaw: async (name, row) => {
      await store.open();
      await table(name).put(row);
    },
    getRaw: async (name, key) => {
      await store.open();
      return table(name).get(key as IDBValidKey);
    },
  };
}
