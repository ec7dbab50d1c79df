import { AfkUnsupportedError } from '../../errors/index.js';
import type { SqlDriver } from './driver.js';
import { PgDriver, type PgPoolLike } from './pg-driver.js';
import { PGliteDriver, type PGliteLike } from './pglite-driver.js';

/**
 * Opens the drivers whose packages are optional peers, loaded on first use only: an app that
 * uses one driver never needs the other package installed.
 */

/** A `pg.Pool` on `connectionString`, ended by the driver's `close()`. */
export async function openPgPool(
  connectionString: string,
  max: number,
  onError: (e: unknown) => void,
): Promise<SqlDriver> {
  let pg: typeof import('pg');
  try {
    pg = await import('pg');
  } catch (e) {
    throw new AfkUnsupportedError(
      'PostgresStore({ connectionString }) needs the `pg` package (node-postgres): npm install pg',
      { cause: e },
    );
  }
  const Pool = pg.Pool ?? (pg as unknown as { default: typeof pg }).default.Pool;
  const pool = new Pool({ connectionString, max });
  // An idle client losing its connection emits on the pool; unhandled, it would crash the process.
  pool.on('error', onError);
  return new PgDriver(pool as unknown as PgPoolLike, true, onError);
}

/** A PGlite database in `dataDir` (created when missing), closed by the driver's `close()`. */
export async function openPGlite(dataDir: string): Promise<SqlDriver> {
  let mod: typeof import('@electric-sql/pglite');
  try {
    mod = await import('@electric-sql/pglite');
  } catch (e) {
    throw new AfkUnsupportedError(
      'PostgresStore.embedded needs the `@electric-sql/pglite` package: npm install @electric-sql/pglite',
      { cause: e },
    );
  }
  const db = await mod.PGlite.create(dataDir);
  return new PGliteDriver(db as unknown as PGliteLike, true);
}
