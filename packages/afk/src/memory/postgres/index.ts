// `afk/memory/postgres`: the PostgreSQL store. Its drivers are optional peers loaded on first use:
// `pg` for `new PostgresStore(...)`, `@electric-sql/pglite` for `PostgresStore.embedded(...)`.
export type { SqlDriver, SqlQueryable, SqlResult } from './driver.js';
export {
  type PostgresEmbeddedOptions,
  PostgresEmbeddedOptionsSchema,
  PostgresSchemaNameSchema,
  type PostgresStoreOptions,
  PostgresStoreOptionsSchema,
} from './options.js';
export { PgDriver, type PgPoolLike } from './pg-driver.js';
export { PGliteDriver, type PGliteLike, type PGliteQueryableLike } from './pglite-driver.js';
export { PostgresStore } from './postgres-store.js';
export { migrate, POSTGRES_MIGRATIONS, POSTGRES_SCHEMA_VERSION, type PostgresMigration } from './schema.js';
