import { z } from 'zod';
import type { AfkError } from '../../errors/index.js';
import type { SqlDriver } from './driver.js';
import type { PgPoolLike } from './pg-driver.js';
import type { PGliteLike } from './pglite-driver.js';

const isFunction = (v: unknown): v is (...args: never[]) => unknown => typeof v === 'function';
const hasMethods =
  (...names: string[]) =>
  (v: unknown): boolean =>
    typeof v === 'object' && v !== null && names.every((n) => isFunction((v as Record<string, unknown>)[n]));

/**
 * A PostgreSQL schema name for the store's tables: lowercase identifier, at most 48 characters
 * (the NOTIFY channel `afk_changes_<schema>` must fit PostgreSQL's 63).
 */
export const PostgresSchemaNameSchema = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,47}$/, 'must be a lowercase SQL identifier of at most 48 characters')
  .refine((s) => !s.startsWith('pg_'), 'the pg_ prefix is reserved for system schemas');

const common = {
  schema: PostgresSchemaNameSchema.default('public'),
  onError: z.custom<(error: AfkError) => void>(isFunction, 'must be a function').optional(),
};

/** Validates `PostgresStoreOptions`; the constructor reports every issue at once. */
export const PostgresStoreOptionsSchema = z
  .object({
    connectionString: z.string().min(1).optional(),
    pool: z.custom<PgPoolLike>(hasMethods('query', 'connect', 'end'), 'must be a pg Pool').optional(),
    driver: z
      .custom<SqlDriver | (() => Promise<SqlDriver>)>(
        (v) => isFunction(v) || hasMethods('query', 'transaction', 'listen', 'close')(v),
        'must be a SqlDriver or a function returning one',
      )
      .optional(),
    max: z.number().int().positive().default(10),
    ...common,
  })
  .refine(
    (o) => [o.connectionString, o.pool, o.driver].filter((v) => v !== undefined).length === 1,
    'give exactly one of connectionString, pool or driver',
  );

/**
 * Options of `new PostgresStore(...)`: exactly one of `connectionString` (the store creates and
 * ends a `pg.Pool` of `max` connections, default 10), `pool` (yours: the store never ends it) or
 * `driver` (a `SqlDriver`, or a function opening one on first use). `schema` default `'public'`;
 * `onError` reports background failures (the LISTEN connection, idle pool clients).
 */
export type PostgresStoreOptions = z.input<typeof PostgresStoreOptionsSchema>;

/** Validates `PostgresEmbeddedOptions`. */
export const PostgresEmbeddedOptionsSchema = z
  .object({
    dataDir: z.string().min(1).optional(),
    pglite: z
      .custom<PGliteLike>(hasMethods('query', 'transaction', 'listen', 'close'), 'must be a PGlite instance')
      .optional(),
    ...common,
  })
  .refine(
    (o) => (o.dataDir === undefined) !== (o.pglite === undefined),
    'give exactly one of dataDir or pglite',
  );

/**
 * Options of `PostgresStore.embedded(...)`: `dataDir` (a directory; PGlite opens or creates the
 * database there, and the store closes it) or `pglite` (an open PGlite instance: the store never
 * closes it). `schema` default `'public'`, `onError` as for `PostgresStore`.
 */
export type PostgresEmbeddedOptions = z.input<typeof PostgresEmbeddedOptionsSchema>;
