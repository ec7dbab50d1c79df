import type { StoreHarness } from '../../store-contract.js';
import type { SqlQueryable } from '../driver.js';
import type { PostgresStore } from '../postgres-store.js';
import { getRawRow, putRawRow } from './raw-rows.js';

let counter = 0;
/** A schema name no other test uses (tests share one server or one PGlite per file). */
export function uniqueSchema(prefix = 't'): string {
  counter++;
  return `${prefix}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
}

/** A contract harness around a store on `schema`, with raw access through `raw`. */
export function postgresHarness(
  store: PostgresStore,
  raw: SqlQueryable,
): StoreHarness & { store: PostgresStore } {
  return {
    store,
    putRaw: async (table, row) => {
      await store.open();
      await putRawRow(raw, store.schema, table, row);
    },
    getRaw: async (table, key) => {
      await store.open();
      return getRawRow(raw, store.schema, table, key);
    },
  };
}
