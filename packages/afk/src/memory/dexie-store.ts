import { z } from 'zod';
import {
  AfkConfigError,
  type AfkError,
  AfkStorageError,
  AfkUnsupportedError,
  formatIssues,
  fromZodIssues,
} from '../errors/index.js';
import type { ApprovalRequest, BackgroundTicket } from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import { durationMs } from '../internal/duration.js';
import { batchChanges, checkRecords, evalReportChange, planBatch } from './batch.js';
import { ChangeHub } from './change-hub.js';
import { ChannelRejectionLog } from './channel-rejections.js';
import { DexieConnection } from './dexie-connection.js';
import { type LeaseBackend, TableLeases, WebLockLeases } from './dexie-leases.js';
import * as q from './dexie-queries.js';
import type { AfkDexie } from './dexie-schema.js';
import { BatchAnnouncer, type RawBatch } from './dexie-signal.js';
import {
  compactRun,
  isStepBatch,
  putEvalReport,
  touchedTables,
  writeBatch,
  writeStepBatch,
} from './dexie-writes.js';
import { EvalReportRecordSchema } from './rows.js';
import type { RunScanFilter, RunScanRow } from './run-scan.js';
import { toStorageError } from './storage-errors.js';
import { type ChannelRejection, type ChannelRejectionReport, StoreChannel } from './store-channel.js';
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
} from './types.js';

const isFunction = (v: unknown): v is (...args: never[]) => unknown => typeof v === 'function';

/** Validates `DexieStoreOptions`; the constructor reports every issue at once. */
export const DexieStoreOptionsSchema = z.object({
  name: z.string().min(1),
  durability: z.enum(['default', 'strict', 'relaxed']).default('default'),
  leases: z.enum(['auto', 'web-locks', 'table']).default('auto'),
  broadcast: z.boolean().default(true),
  blockedTimeoutMs: durationMs('positive').int().default(5_000),
  onError: z.custom<(error: AfkError) => void>(isFunction, 'must be a function').optional(),
  indexedDB: z
    .custom<IDBFactory>(
      (v) => typeof v === 'object' && v !== null && isFunction((v as IDBFactory).open),
      'must be an IDBFactory',
    )
    .optional(),
  IDBKeyRange: z
    .custom<typeof IDBKeyRange>(
      (v) => isFunction(v) || (typeof v === 'object' && v !== null),
      'must be IDBKeyRange',
    )
    .optional(),
});

/** Options of `DexieStore`; see the class for defaults. */
export type DexieStoreOptions = z.input<typeof DexieStoreOptionsSchema>;

/**
 * The browser store: `MemoryStore` on IndexedDB through Dexie 4. Durable across reloads, shared
 * by every tab of the origin.
 *
 * - `write` is one short read-write transaction over the touched tables; the continuity check
 *   (the batch must continue each run's last stored seq) runs inside it, so of two writers of
 *   one run exactly one wins. Validation happens before the transaction opens.
 * - Every row read is validated: a corrupt or foreign row is `row_corrupt` (snapshots:
 *   `checkpoint_corrupt`), naming table and key; nothing is rewritten or deleted.
 * - `watch` hears this store's writes and, over a `BroadcastChannel` named `afk-store:<name>`,
 *   other tabs' and instances' writes. Views that render rows should rather use Dexie
 *   `liveQuery` on `store.dexie` (or `liveRunEvents`).
 * - Leases: Web Locks when `navigator.locks` exists (freed when the tab closes), else rows in
 *   the `leases` table (expired rows are taken over).
 * - Another connection upgrading or deleting the database closes this store and reports
 *   `storage_closed` through `onError`; an open blocked by another connection reports
 *   `storage_blocked` and callers fail after `blockedTimeoutMs`; a database created by a newer
 *   schema is refused with `storage_version` and left untouched.
 *
 * Options and defaults: `name` (required, the IndexedDB database name), `durability`
 * `'default'` (the IndexedDB durability hint of batches that do not ask for `relaxed`; use
 * `'strict'` to flush journal batches to disk), `leases` `'auto'`, `broadcast` `true`,
 * `blockedTimeoutMs` `5000`, `onError` none, `indexedDB` / `IDBKeyRange` the globals (pass
 * `fake-indexeddb` in Node).
 *
 * @example
 * const store = new DexieStore({ name: 'my-app', onError: (e) => console.warn(e.code, e.message) });
 * const runner = new Runner({ store });
 * const off = store.watch('all', (c) => console.log(c.runId, c.kind, c.lastSeq));
 */
export class DexieStore implements MemoryStore {
  readonly kind = 'dexie';
  readonly name: string;
  private readonly main: DexieConnection;
  private relaxed: DexieConnection | undefined;
  private readonly config: z.output<typeof DexieStoreOptionsSchema> & {
    indexedDB: IDBFactory;
    IDBKeyRange: typeof IDBKeyRange;
  };
  private readonly hub = new ChangeHub();
  private readonly channel: StoreChannel | undefined;
  private readonly rejections = new ChannelRejectionLog();
  private readonly announcer: BatchAnnouncer;
  private readonly leaseBackend: LeaseBackend;
  private closedError: AfkStorageError | undefined;

  constructor(options: DexieStoreOptions) {
    const parsed = DexieStoreOptionsSchema.safeParse(options);
    if (!parsed.success) {
      const issues = fromZodIssues(parsed.error.issues);
      throw new AfkConfigError('invalid_config', `Invalid DexieStore options:\n${formatIssues(issues)}`, {
        issues,
      });
    }
    const o = parsed.data;
    const indexedDB = o.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    const keyRange = o.IDBKeyRange ?? (globalThis as { IDBKeyRange?: typeof IDBKeyRange }).IDBKeyRange;
    if (!indexedDB || !keyRange) {
      throw new AfkUnsupportedError(
        'DexieStore needs IndexedDB: run it in a browser, pass `indexedDB` and `IDBKeyRange` (fake-indexeddb in Node), or use InMemoryStore',
      );
    }
    this.config = { ...o, indexedDB, IDBKeyRange: keyRange };
    this.name = o.name;
    this.main = this.connect(o.durability);
    const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
    if (o.leases === 'web-locks' && !locks)
      throw new AfkUnsupportedError('DexieStore leases: Web Locks (navigator.locks) are not available here');
    this.leaseBackend =
      o.leases !== 'table' && locks ? new WebLockLeases(locks, o.name) : new TableLeases(() => this.ready());
    this.channel = o.broadcast
      ? new StoreChannel(
          o.name,
          (changes) => this.emitLocal(changes),
          (r) => this.rejections.add(r),
        )
      : undefined;
    const channel = this.channel;
    this.announcer = new BatchAnnouncer(channel ? (changes) => channel.post(changes) : undefined);
  }

  /**
   * The Dexie database, for `liveQuery` readers (devtools, React views). Read-only by contract:
   * writes go through `write`, which enforces the log's invariants. Rows read here are not
   * validated; `liveRunEvents` shows how to validate them.
   */
  get dexie(): AfkDexie {
    return this.main.db;
  }

  /** Opens the database now (it opens lazily otherwise), to surface `storage_version` early. */
  async open(): Promise<void> {
    await this.ready();
  }

  async write(batch: StoreBatch): Promise<void> {
    this.assertOpen();
    const plan = planBatch(batch, { deep: false });
    const step = isStepBatch(batch, plan);
    // Step batches validate their records inside the transaction (see writeStepBatch).
    if (!step) checkRecords(batch);
    if (touchedTables(batch).length === 0) return;
    let raw: RawBatch | undefined;
    if (step) {
      // The hot path: raw IndexedDB on the open connection, durability per transaction.
      const db = await this.ready();
      const idb = db.backendDB() as IDBDatabase | null;
      if (!idb)
        throw (
          this.closedError ?? new AfkStorageError('storage_closed', `DexieStore "${this.name}" is closed`)
        );
      const durability = batch.durability === 'relaxed' ? 'relaxed' : this.config.durability;
      try {
        await writeStepBatch(idb, this.config.IDBKeyRange, batch, plan, durability, checkRecords);
      } catch (e) {
        throw this.closedError ?? this.fail(e, 'write');
      }
      raw = { db, batch, plan };
    } else {
      const db = batch.durability === 'relaxed' ? await this.relaxedDb() : await this.ready();
      try {
        await writeBatch(db, batch, plan);
      } catch (e) {
        throw this.fail(e, 'write');
      }
    }
    const changes = batchChanges(batch, plan);
    this.emitLocal(changes);
    this.announcer.announce(changes, raw);
  }

  async readEvents(runId: string, opts: ReadEventsOptions = {}): Promise<RunEvent[]> {
    return this.read('read events', (db) => q.queryEvents(db, runId, opts));
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    return this.read('get run', (db) => q.queryRun(db, runId));
  }

  async listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    return this.read('list runs', (db) => q.queryRuns(db, filter));
  }

  /**
   * A run listing that survives corrupt rows: newest first, filtered on the raw rows (status,
   * agent, text, thread, top-level), at most `limit`; each row is its validated record or, for
   * a row that fails validation, its `row_corrupt` error (so one bad row shows as an error and
   * every other run still lists). `listRuns` instead throws on the first corrupt row.
   *
   * @example
   * const rows = await store.scanRuns({ status: ['failed'], text: 'paris', topLevel: true, limit: 500 });
   * for (const r of rows) console.log(r.runId, 'run' in r ? r.run.status : r.error.code);
   */
  async scanRuns(filter: RunScanFilter = {}): Promise<RunScanRow[]> {
    return this.read('scan runs', (db) => q.scanRuns(db, filter));
  }

  /**
   * How many runs the store holds, subagent runs included (a key count: no row is read or
   * validated, so it stays instant at 10,000 runs).
   *
   * @example
   * const n = await store.countRuns(); // 10000
   */
  async countRuns(): Promise<number> {
    return this.read('count runs', (db) => db.runs.count());
  }

  async getSnapshot(runId: string, maxSeq?: number): Promise<RunSnapshot | undefined> {
    return this.read('get snapshot', (db) => q.querySnapshot(db, runId, maxSeq));
  }

  async getApproval(id: string): Promise<ApprovalRequest | undefined> {
    return this.read('get approval', (db) => q.queryApproval(db, id));
  }

  async listApprovals(filter: ApprovalFilter = {}): Promise<ApprovalRequest[]> {
    return this.read('list approvals', (db) => q.queryApprovals(db, filter));
  }

  async getTicket(ticketId: string): Promise<BackgroundTicket | undefined> {
    return this.read('get ticket', (db) => q.queryTicket(db, ticketId));
  }

  async listTickets(filter: TicketFilter = {}): Promise<BackgroundTicket[]> {
    return this.read('list tickets', (db) => q.queryTickets(db, filter));
  }

  async getThread(threadId: string): Promise<ThreadRecord | undefined> {
    return this.read('get thread', (db) => q.queryThread(db, threadId));
  }

  async putEvalReport(report: EvalReportRecord): Promise<void> {
    const r = EvalReportRecordSchema.safeParse(report);
    if (!r.success) {
      throw new AfkStorageError('invalid_argument', 'eval report needs suiteId, startedAt and report', {
        issues: fromZodIssues(r.error.issues),
      });
    }
    const db = await this.ready();
    try {
      await putEvalReport(db, report);
    } catch (e) {
      throw this.fail(e, 'put eval report');
    }
    // Dexie saw the table write (liveQuery readers re-run); `watch` listeners here and in other tabs.
    const change = evalReportChange(report);
    this.emitLocal([change]);
    this.announcer.announce([change], undefined);
  }

  async listEvalReports(limit = 50): Promise<EvalReportRecord[]> {
    return this.read('list eval reports', (db) => q.queryEvalReports(db, limit));
  }

  /**
   * Deletes events with `seq < beforeSeq` and all but the newest `keepSnapshots` snapshots, in
   * one transaction. The run's newest event is always kept: it anchors seq continuity.
   */
  async compactRun(
    runId: string,
    opts: { beforeSeq?: number; keepSnapshots?: number },
  ): Promise<{ events: number; snapshots: number }> {
    const db = await this.ready();
    try {
      return await compactRun(db, runId, opts);
    } catch (e) {
      throw this.fail(e, `compact run ${runId}`);
    }
  }

  async acquireLease(runId: string, owner: string, ttlMs: number): Promise<RunLease | undefined> {
    this.assertOpen();
    return this.leaseBackend.acquire(runId, owner, ttlMs);
  }

  watch(target: string | 'all', listener: (change: StoreChange) => void): () => void {
    return this.hub.subscribe(target, listener);
  }

  /**
   * Messages on the store's `BroadcastChannel` that were ignored as malformed or hostile (wrong
   * types, unknown versions or kinds, prototype keys, oversized): counts per kind and the last
   * one. Each kind is also logged once with `console.warn`.
   *
   * @example
   * const { total, byKind } = store.channelRejections();
   */
  channelRejections(): ChannelRejectionReport {
    return this.rejections.report();
  }

  /** Calls `listener` for every ignored channel message (see `channelRejections`); returns an unsubscribe. */
  onChannelRejection(listener: (rejection: ChannelRejection) => void): () => void {
    return this.rejections.subscribe(listener);
  }

  /** Closes the connections and the channel and frees held Web Locks; later calls reject with `storage_closed`. */
  async close(): Promise<void> {
    if (this.closedError) return;
    // Row leases are deleted through the still-open database; Web Locks are freed either way.
    await this.leaseBackend.releaseAll().catch(() => undefined);
    if (this.closedError) return;
    this.shutdown(new AfkStorageError('storage_closed', `DexieStore "${this.name}" is closed`));
  }

  // ---- internals ----------------------------------------------------------------------------

  private connect(durability: 'default' | 'strict' | 'relaxed'): DexieConnection {
    return new DexieConnection({
      name: this.config.name,
      indexedDB: this.config.indexedDB,
      IDBKeyRange: this.config.IDBKeyRange,
      durability,
      blockedTimeoutMs: this.config.blockedTimeoutMs,
      onBlocked: (e) => this.report(e),
      onVersionChange: (e) => {
        if (this.closedError) return;
        this.shutdown(e);
        void this.leaseBackend.releaseAll();
        this.report(e);
      },
    });
  }

  private assertOpen(): void {
    if (this.closedError) throw this.closedError;
  }

  private async ready(): Promise<AfkDexie> {
    this.assertOpen();
    try {
      return await this.main.ready();
    } catch (e) {
      throw this.fail(e, 'open');
    }
  }

  /**
   * Dexie 4 sets the durability hint per database, not per transaction, so `relaxed` batches go
   * through a second connection opened with that hint (lazily, after the main one is open, so it
   * never runs an upgrade). IndexedDB orders its transactions with the main connection's.
   */
  private async relaxedDb(): Promise<AfkDexie> {
    await this.ready();
    if (this.config.durability === 'relaxed') return this.main.db;
    this.relaxed ??= this.connect('relaxed');
    try {
      return await this.relaxed.ready();
    } catch (e) {
      throw this.fail(e, 'open');
    }
  }

  private async read<T>(operation: string, fn: (db: AfkDexie) => Promise<T>): Promise<T> {
    const db = await this.ready();
    try {
      return await fn(db);
    } catch (e) {
      throw this.fail(e, operation);
    }
  }

  /** Wraps an error; a failure caused by this store closing reports why it closed. */
  private fail(e: unknown, operation: string): AfkError {
    const err = toStorageError(e, operation);
    return err.code === 'storage_closed' && this.closedError ? this.closedError : err;
  }

  private emitLocal(changes: StoreChange[]): void {
    for (const c of changes) this.hub.emit(c);
  }

  private shutdown(reason: AfkStorageError): void {
    this.closedError = reason;
    this.announcer.flush();
    this.main.close();
    this.relaxed?.close();
    this.channel?.close();
    this.hub.clear();
  }

  private report(e: AfkError): void {
    try {
      this.config.onError?.(e);
    } catch {
      // The callback is an observer.
    }
  }
}
