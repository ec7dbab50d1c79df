/**
 * The small SQL surface `PostgresStore` needs, with one adapter per driver: node-postgres
 * (`pg-driver.ts`, a PostgreSQL server) and PGlite (`pglite-driver.ts`, embedded). Both speak
 * the same SQL (PostgreSQL 15+ dialect, `$n` parameters); the store never sees a driver type.
 */

/** One statement's result: the rows and how many rows it changed. */
export interface SqlResult<R> {
  rows: R[];
  rowCount: number;
}

/** Something that runs parameterised statements: the driver itself or an open transaction. */
export interface SqlQueryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<SqlResult<R>>;
}

/** A driver: statements, transactions, and LISTEN/NOTIFY. */
export interface SqlDriver extends SqlQueryable {
  /** Which adapter (`'pg'` or `'pglite'`), for messages. */
  readonly name: string;
  /**
   * Runs `fn` in one transaction (`BEGIN` … `COMMIT`; `ROLLBACK` when `fn` throws, and the
   * error is rethrown). Statements inside must go through `tx`.
   */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /**
   * Listens on `channel` (a lowercase identifier); `onPayload` gets each notification's
   * payload. Resolves once the `LISTEN` is active, to a function that stops listening.
   * `onLost` is called (once) if the listening connection fails later; listening has stopped then.
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    onLost?: (error: unknown) => void,
  ): Promise<() => Promise<void>>;
  /** Frees what the adapter opened itself (a pool it created, a PGlite it opened). */
  close(): Promise<void>;
}
