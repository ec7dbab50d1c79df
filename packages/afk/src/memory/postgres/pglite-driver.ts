import type { SqlDriver, SqlQueryable, SqlResult } from './driver.js';

/** The part of a PGlite instance (or a PGlite transaction) the adapter uses. */
export interface PGliteQueryableLike {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
}

/** The part of a `PGlite` instance the adapter uses (`@electric-sql/pglite` 0.3+). */
export interface PGliteLike extends PGliteQueryableLike {
  transaction<T>(fn: (tx: PGliteQueryableLike) => Promise<T>): Promise<T>;
  listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  readonly closed: boolean;
}

function wrap(q: PGliteQueryableLike): SqlQueryable {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<SqlResult<R>> {
      const r = await q.query<R>(sql, params as unknown[]);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
  };
}

/**
 * The PGlite adapter: PostgreSQL compiled to WASM, in this process, one connection. PGlite
 * serialises statements and transactions itself; `listen` is its own LISTEN API.
 * `ownsDb`: whether `close()` closes the PGlite (true when the store opened it).
 */
export class PGliteDriver implements SqlDriver {
  readonly name = 'pglite';
  private readonly direct: SqlQueryable;

  constructor(
    readonly db: PGliteLike,
    private readonly ownsDb: boolean,
  ) {
    this.direct = wrap(db);
  }

  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<SqlResult<R>> {
    return this.direct.query<R>(sql, params);
  }

  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(wrap(tx)));
  }

  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    return this.db.listen(channel, onPayload);
  }

  async close(): Promise<void> {
    if (this.ownsDb && !this.db.closed) await this.db.close();
  }
}
