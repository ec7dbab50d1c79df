import {
  AfkConfigError,
  type AfkError,
  AfkStorageError,
  formatIssues,
  fromZodIssues,
} from '../../errors/index.js';
import type { ApprovalRequest, BackgroundTicket } from '../../events/records.js';
import type { RunEvent } from '../../events/run-event.js';
import { batchChanges, evalReportChange, planBatch } from '../batch.js';
import { ChangeHub } from '../change-hub.js';
import { EvalReportRecordSchema } from '../rows.js';
import type {
  ApprovalFilter,
  EvalReportRecord,
  MemoryStore,
  ReadEventsOptions,
  RunFilter,
  RunLease,
  RunRecord,
  RunSnapshot,
  StoreBatch,
  StoreChange,
  ThreadRecord,
  TicketFilter,
} from '../types.js';
import { decodeChanges, encodeChanges } from './change-feed.js';
import type { SqlDriver } from './driver.js';
import { SqlLeases } from './leases.js';
import { openPGlite, openPgPool } from './open-driver.js';
import {
  type PostgresEmbeddedOptions,
  PostgresEmbeddedOptionsSchema,
  type PostgresStoreOptions,
  PostgresStoreOptionsSchema,
} from './options.js';
import { PgDriver } from './pg-driver.js';
import { PGliteDriver } from './pglite-driver.js';
import * as q from './queries.js';
import { migrate, quoteIdent } from './schema.js';
import { toSqlStorageError } from './sql-errors.js';
import { compactRun, putEvalReport, writeBatch } from './writes.js';

function parseOptions<T>(
  schema: { safeParse(v: unknown): { success: boolean } },
  v: unknown,
  what: string,
): T {
  const r = schema.safeParse(v) as
    | { success: true; data: T }
    | { success: false; error: { issues: Parameters<typeof fromZodIssues>[0] } };
  if (r.success) return r.data;
  const issues = fromZodIssues(r.error.issues);
  throw new AfkConfigError('invalid_config', `Invalid ${what} options:\n${formatIssues(issues)}`, { issues });
}

/**
 * The server store: `MemoryStore` on PostgreSQL, through node-postgres (`new PostgresStore({
 * connectionString } | { pool })`) or, embedded and durable on disk with no server, through
 * PGlite (`PostgresStore.embedded({ dataDir })`). One SQL for both.
 *
 * - Tables (`afk_runs`, `afk_events`, …) live in `schema` and are created or upgraded on first
 *   use by append-only migrations recorded in `afk_schema_migrations`; a database migrated by a
 *   newer build is refused with `storage_version`.
 * - `write` is one transaction. Continuity is enforced by the database: `(run_id, seq)` is the
 *   events' primary key and each run's head row (`afk_run_heads.next_seq`) is advanced by one
 *   conditional statement, so of two writers of one run exactly one wins; the other gets
 *   `storage_error` and nothing of its batch is stored. `durability: 'relaxed'` batches commit
 *   with `synchronous_commit = off`.
 * - Every row read is validated; a corrupt or foreign row is `row_corrupt` (snapshots:
 *   `checkpoint_corrupt`), naming table and key, and is left untouched.
 * - Leases are rows taken by one conditional upsert (free, expired, or already the caller's).
 * - `watch` hears this store's writes at once and other processes' writes through
 *   LISTEN/NOTIFY on `afk_changes_<schema>` (from when `listening()` resolves).
 *
 * @example
 * const store = new PostgresStore({ connectionString: process.env.DATABASE_URL! });
 * const runner = new Runner({ store });
 * // or, in-process and durable, no server:
 * const local = PostgresStore.embedded({ dataDir: './afk-data' });
 */
export class PostgresStore implements MemoryStore {
  readonly kind = 'postgres';
  /** The PostgreSQL schema holding the tables. */
  readonly schema: string;
  private readonly s: string;
  private readonly channel: string;
  private readonly origin = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  private readonly openDriver: () => Promise<SqlDriver>;
  private readonly onError: ((error: AfkError) => void) | undefined;
  private readonly hub = new ChangeHub();
  private readonly leases: SqlLeases;
  private driverP: Promise<SqlDriver> | undefined;
  private migrated: Promise<SqlDriver> | undefined;
  private listenP: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private closedError: AfkStorageError | undefined;

  constructor(options: PostgresStoreOptions) {
    const o = parseOptions<import('zod').output<typeof PostgresStoreOptionsSchema>>(
      PostgresStoreOptionsSchema,
      options,
      'PostgresStore',
    );
    this.schema = o.schema;
    this.s = quoteIdent(o.schema);
    this.channel = `afk_changes_${o.schema}`;
    this.onError = o.onError;
    const report = (e: unknown) => this.report(toSqlStorageError(e, 'PostgreSQL connection'));
    const { connectionString, pool, driver } = o;
    if (connectionString !== undefined) this.openDriver = () => openPgPool(connectionString, o.max, report);
    else if (pool !== undefined) this.openDriver = async () => new PgDriver(pool, false, report);
    else if (typeof driver === 'function') this.openDriver = driver;
    else this.openDriver = async () => driver!;
    this.leases = new SqlLeases(() => this.ready(), this.s);
  }

  /**
   * An embedded store on PGlite (PostgreSQL in WASM, in this process): durable in `dataDir`,
   * no server. PGlite allows one process at a time on a data directory; use a server (the
   * constructor) when several processes share the store.
   *
   * @example
   * const store = PostgresStore.embedded({ dataDir: './afk-data' });
   */
  static embedded(options: PostgresEmbeddedOptions): PostgresStore {
    const o = parseOptions<import('zod').output<typeof PostgresEmbeddedOptionsSchema>>(
      PostgresEmbeddedOptionsSchema,
      options,
      'PostgresStore.embedded',
    );
    const { dataDir, pglite } = o;
    const driver = pglite ? async () => new PGliteDriver(pglite, false) : async () => openPGlite(dataDir!);
    return new PostgresStore({ driver, schema: o.schema, ...(o.onError ? { onError: o.onError } : {}) });
  }

  /** Connects and migrates now (it happens lazily otherwise), to surface errors early. */
  async open(): Promise<void> {
    await this.ready();
  }

  async write(batch: StoreBatch): Promise<void> {
    this.assertOpen();
    const plan = planBatch(batch, { deep: true });
    if (
      !batch.events?.length &&
      !batch.run &&
      !batch.snapshot &&
      !batch.approvals?.length &&
      !batch.tickets?.length &&
      !batch.thread
    )
      return;
    const changes = batchChanges(batch, plan);
    const payloads = encodeChanges(this.origin, changes);
    const db = await this.ready();
    try {
      await db.transaction(async (tx) => {
        if (batch.durability === 'relaxed') await tx.query('SET LOCAL synchronous_commit TO OFF');
        await writeBatch(tx, this.s, batch, plan, this.channel, payloads);
      });
    } catch (e) {
      throw this.fail(e, 'write');
    }
    for (const c of changes) this.hub.emit(c);
  }

  readEvents(runId: string, opts: ReadEventsOptions = {}): Promise<RunEvent[]> {
    return this.read('read events', (db) => q.queryEvents(db, this.s, runId, opts));
  }

  getRun(runId: string): Promise<RunRecord | undefined> {
    return this.read('get run', (db) => q.queryRun(db, this.s, runId));
  }

  listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    return this.read('list runs', (db) => q.queryRuns(db, this.s, filter));
  }

  getSnapshot(runId: string, maxSeq?: number): Promise<RunSnapshot | undefined> {
    return this.read('get snapshot', (db) => q.querySnapshot(db, this.s, runId, maxSeq));
  }

  getApproval(id: string): Promise<ApprovalRequest | undefined> {
    return this.read('get approval', (db) => q.queryApproval(db, this.s, id));
  }

  listApprovals(filter: ApprovalFilter = {}): Promise<ApprovalRequest[]> {
    return this.read('list approvals', (db) => q.queryApprovals(db, this.s, filter));
  }

  getTicket(ticketId: string): Promise<BackgroundTicket | undefined> {
    return this.read('get ticket', (db) => q.queryTicket(db, this.s, ticketId));
  }

  listTickets(filter: TicketFilter = {}): Promise<BackgroundTicket[]> {
    return this.read('list tickets', (db) => q.queryTickets(db, this.s, filter));
  }

  getThread(threadId: string): Promise<ThreadRecord | undefined> {
    return this.read('get thread', (db) => q.queryThread(db, this.s, threadId));
  }

  async putEvalReport(report: EvalReportRecord): Promise<void> {
    this.assertOpen();
    const r = EvalReportRecordSchema.safeParse(report);
    if (!r.success) {
      throw new AfkStorageError('invalid_argument', 'eval report needs suiteId, startedAt and report', {
        issues: fromZodIssues(r.error.issues),
      });
    }
    const change = evalReportChange(report);
    const db = await this.ready();
    try {
      await db.transaction((tx) =>
        putEvalReport(tx, this.s, report, this.channel, encodeChanges(this.origin, [change])),
      );
    } catch (e) {
      throw this.fail(e, 'put eval report');
    }
    this.hub.emit(change);
  }

  listEvalReports(limit = 50): Promise<EvalReportRecord[]> {
    return this.read('list eval reports', (db) => q.queryEvalReports(db, this.s, limit));
  }

  /**
   * Deletes events with `seq < beforeSeq` and all but the newest `keepSnapshots` snapshots, in
   * one transaction. The run's newest event is always kept, and the run's head row keeps seq
   * continuity whatever is deleted.
   */
  async compactRun(
    runId: string,
    opts: { beforeSeq?: number; keepSnapshots?: number },
  ): Promise<{ events: number; snapshots: number }> {
    const db = await this.ready();
    try {
      return await db.transaction((tx) => compactRun(tx, this.s, runId, opts));
    } catch (e) {
      throw this.fail(e, `compact run ${runId}`);
    }
  }

  async acquireLease(runId: string, owner: string, ttlMs: number): Promise<RunLease | undefined> {
    this.assertOpen();
    return this.leases.acquire(runId, owner, ttlMs);
  }

  watch(target: string | 'all', listener: (change: StoreChange) => void): () => void {
    const off = this.hub.subscribe(target, listener);
    if (!this.closedError) this.listening().catch((e: unknown) => this.report(this.fail(e, 'listen')));
    return off;
  }

  /**
   * Resolves once this store LISTENs for other processes' writes (started by the first
   * `watch`); changes committed elsewhere before that are not reported.
   */
  listening(): Promise<void> {
    if (this.closedError) return Promise.reject(this.closedError);
    this.listenP ??= (async () => {
      const db = await this.ready();
      const stop = await db.listen(
        this.channel,
        (p) => this.onNotification(p),
        (e) => this.onListenLost(e),
      );
      if (this.closedError) await stop();
      else this.unlisten = stop;
    })().catch((e: unknown) => {
      this.listenP = undefined;
      throw this.fail(e, 'listen');
    });
    return this.listenP;
  }

  /** Stops listening, releases this store's leases and closes what it opened; later calls reject with `storage_closed`. */
  async close(): Promise<void> {
    if (this.closedError) return;
    await this.leases.releaseAll().catch(() => undefined);
    if (this.closedError) return;
    this.closedError = new AfkStorageError(
      'storage_closed',
      `PostgresStore (schema ${this.schema}) is closed`,
    );
    this.hub.clear();
    await this.listenP?.catch(() => undefined);
    await this.unlisten?.().catch(() => undefined);
    const driver = await this.driverP?.catch(() => undefined);
    await driver?.close().catch(() => undefined);
  }

  // ---- internals ----------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closedError) throw this.closedError;
  }

  /** The driver, connected once and migrated (a failed connect or migration is retried on the next call). */
  private async ready(): Promise<SqlDriver> {
    this.assertOpen();
    this.migrated ??= this.connectAndMigrate();
    try {
      return await this.migrated;
    } catch (e) {
      this.migrated = undefined;
      throw this.fail(e, 'open');
    }
  }

  private async connectAndMigrate(): Promise<SqlDriver> {
    if (!this.driverP) {
      const p = this.openDriver();
      this.driverP = p;
      p.catch(() => {
        if (this.driverP === p) this.driverP = undefined;
      });
    }
    const d = await this.driverP;
    await migrate(d, this.schema);
    return d;
  }

  private async read<T>(operation: string, fn: (db: SqlDriver) => Promise<T>): Promise<T> {
    const db = await this.ready();
    try {
      return await fn(db);
    } catch (e) {
      throw this.fail(e, operation);
    }
  }

  /** Wraps an error; after `close()`, a failure of an operation still in flight is `storage_closed`. */
  private fail(e: unknown, operation: string): AfkError {
    const err = toSqlStorageError(e, operation);
    return this.closedError && err.code === 'storage_error' ? this.closedError : err;
  }

  private onNotification(payload: string): void {
    const msg = decodeChanges(payload);
    if (!msg || msg.origin === this.origin) return;
    for (const c of msg.changes) this.hub.emit(c);
  }

  /** The LISTEN connection failed: report it and listen again once (a later `watch` retries too). */
  private onListenLost(e: unknown): void {
    this.listenP = undefined;
    this.unlisten = undefined;
    if (this.closedError) return;
    this.report(toSqlStorageError(e, 'listen connection lost'));
    this.listening().catch((err: unknown) => this.report(this.fail(err, 'listen')));
  }

  private report(e: AfkError): void {
    try {
      this.onError?.(e);
    } catch {
      // The callback is an observer.
    }
  }
}
