import type { SqlDriver, SqlQueryable, SqlResult } from './driver.js';

/** The part of a node-postgres `PoolClient` the adapter uses. */
interface PgClientLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
  release(destroy?: boolean | Error): void;
  on(event: 'notification', listener: (msg: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  removeAllListeners(event?: string): unknown;
  removeListener(event: 'error', listener: (err: Error) => void): unknown;
}

/** The part of a node-postgres `Pool` the adapter uses (a `pg.Pool` fits). */
export interface PgPoolLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
  /** Resolves to a `pg.PoolClient`. */
  connect(): Promise<unknown>;
  end(): Promise<void>;
}

function wrap(q: PgPoolLike | PgClientLike): SqlQueryable {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<SqlResult<R>> {
      const r = await q.query(sql, params as unknown[]);
      return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
    },
  };
}

/**
 * The node-postgres adapter. Statements go through the pool; a transaction holds one pooled
 * client from `BEGIN` to `COMMIT`/`ROLLBACK`; `listen` holds one client for `LISTEN` until
 * stopped. `ownsPool`: whether `close()` ends the pool (true when the store created it).
 */
export class PgDriver implements SqlDriver {
  readonly name = 'pg';
  private readonly direct: SqlQueryable;

  constructor(
    private readonly pool: PgPoolLike,
    private readonly ownsPool: boolean,
    private readonly onListenError: (e: unknown) => void = () => undefined,
  ) {
    this.direct = wrap(pool);
  }

  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<SqlResult<R>> {
    return this.direct.query<R>(sql, params);
  }

  async transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const client = (await this.pool.connect()) as PgClientLike;
    let broken = false;
    // A checked-out client has no error listener of the pool's: the server closing the
    // connection between two statements (a restart, `pg_terminate_backend`) would be an
    // unhandled 'error' event and end the process. The statement in flight (or the next one)
    // fails instead, and the client is destroyed on release.
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      try {
        const out = await fn(wrap(client));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw e;
      }
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  async listen(
    channel: string,
    onPayload: (payload: string) => void,
    onLost?: (error: unknown) => void,
  ): Promise<() => Promise<void>> {
    const client = (await this.pool.connect()) as PgClientLike;
    let stopped = false;
    client.on('notification', (msg) => {
      if (msg.channel === channel) onPayload(msg.payload ?? '');
    });
    client.on('error', (e) => {
      if (stopped) return;
      stopped = true;
      client.removeAllListeners();
      client.release(true);
      if (onLost) onLost(e);
      else this.onListenError(e);
    });
    try {
      await client.query(`LISTEN "${channel}"`);
    } catch (e) {
      client.removeAllListeners();
      client.release(true);
      throw e;
    }
    return async () => {
      if (stopped) return;
      stopped = true;
      let broken = false;
      await client.query(`UNLISTEN "${channel}"`).catch(() => {
        broken = true;
      });
      client.removeAllListeners();
      client.release(broken);
    };
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}
