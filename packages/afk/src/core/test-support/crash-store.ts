import { AfkStorageError } from '../../errors/index.js';
import type { ApprovalRequest, BackgroundTicket } from '../../events/records.js';
import type { RunEvent, RunEventType } from '../../events/run-event.js';
import { InMemoryStore } from '../../memory/in-memory.js';
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
} from '../../memory/types.js';

/** When the simulated process dies. The first matching write is refused, and every write after it. */
export interface KillCondition {
  /** Die at the write that would take the number of committed events (this wrapper's) beyond `n`. */
  afterEvents?: number;
  /** Die at the `nth` (default 1st) batch containing an event of this type. */
  onEventType?: RunEventType;
  nth?: number;
  /** Any other predicate, given the batch and the events committed so far. */
  when?: (batch: StoreBatch, committedEvents: number) => boolean;
  /**
   * Leases die with the process: after the crash, releasing a lease is a no-op, so another
   * runner must wait for it to expire (set a small `leaseTtlMs`). Default false (released).
   */
  keepLeases?: boolean;
}

/**
 * A `MemoryStore` that delegates to an inner store and "crashes" when a kill condition is met:
 * the matching write throws an `AfkStorageError` and is not applied, and from then on every
 * write is refused, as if the process had died with only the earlier batches durable. Reads keep
 * working. Resume with a fresh `Runner` over `inner` to recover.
 *
 * Also records what each committed batch contained, for persistence-cost assertions.
 */
export class CrashStore implements MemoryStore {
  readonly kind = 'crash';
  readonly inner: MemoryStore;
  /** Committed batches, in order. */
  readonly batches: StoreBatch[] = [];
  /** Events committed through this wrapper. */
  committedEvents = 0;
  /** True once the kill condition fired. */
  killed = false;
  /** Writes attempted after the crash (a dead process attempts none). */
  writesAfterKill = 0;
  /** The batch that was refused when the kill fired. */
  killedBatch: StoreBatch | undefined;
  private condition: KillCondition | undefined;
  private typeMatches = 0;

  constructor(condition?: KillCondition, inner: MemoryStore = new InMemoryStore()) {
    this.condition = condition;
    this.inner = inner;
  }

  /** Replaces the kill condition (for a store that should crash later in a run). */
  arm(condition: KillCondition | undefined): void {
    this.condition = condition;
  }

  async write(batch: StoreBatch): Promise<void> {
    if (this.killed) {
      this.writesAfterKill++;
      throw new AfkStorageError('storage_error', 'simulated crash: the store is gone');
    }
    if (this.shouldKill(batch)) {
      this.killed = true;
      this.killedBatch = batch;
      throw new AfkStorageError('storage_error', 'simulated crash');
    }
    await this.inner.write(batch);
    this.batches.push(structuredClone(batch));
    this.committedEvents += batch.events?.length ?? 0;
  }

  private shouldKill(batch: StoreBatch): boolean {
    const c = this.condition;
    if (!c) return false;
    const events = batch.events ?? [];
    if (
      c.afterEvents !== undefined &&
      events.length > 0 &&
      this.committedEvents + events.length > c.afterEvents
    )
      return true;
    if (c.onEventType !== undefined && events.some((e) => e.type === c.onEventType)) {
      this.typeMatches++;
      if (this.typeMatches >= (c.nth ?? 1)) return true;
    }
    return c.when ? c.when(batch, this.committedEvents) : false;
  }

  readEvents(runId: string, opts?: ReadEventsOptions): Promise<RunEvent[]> {
    return this.inner.readEvents(runId, opts);
  }
  getRun(runId: string): Promise<RunRecord | undefined> {
    return this.inner.getRun(runId);
  }
  listRuns(filter?: RunFilter): Promise<RunRecord[]> {
    return this.inner.listRuns(filter);
  }
  getSnapshot(runId: string, maxSeq?: number): Promise<RunSnapshot | undefined> {
    return this.inner.getSnapshot(runId, maxSeq);
  }
  getApproval(id: string): Promise<ApprovalRequest | undefined> {
    return this.inner.getApproval(id);
  }
  listApprovals(filter?: ApprovalFilter): Promise<ApprovalRequest[]> {
    return this.inner.listApprovals(filter);
  }
  getTicket(ticketId: string): Promise<BackgroundTicket | undefined> {
    return this.inner.getTicket(ticketId);
  }
  listTickets(filter?: TicketFilter): Promise<BackgroundTicket[]> {
    return this.inner.listTickets(filter);
  }
  getThread(threadId: string): Promise<ThreadRecord | undefined> {
    return this.inner.getThread(threadId);
  }
  putEvalReport(report: EvalReportRecord): Promise<void> {
    if (this.killed)
      return Promise.reject(new AfkStorageError('storage_error', 'simulated crash: the store is gone'));
    return this.inner.putEvalReport(report);
  }
  listEvalReports(limit?: number): Promise<EvalReportRecord[]> {
    return this.inner.listEvalReports(limit);
  }
  compactRun(
    runId: string,
    opts: { beforeSeq?: number; keepSnapshots?: number },
  ): Promise<{ events: number; snapshots: number }> {
    if (this.killed)
      return Promise.reject(new AfkStorageError('storage_error', 'simulated crash: the store is gone'));
    return this.inner.compactRun(runId, opts);
  }
  async acquireLease(runId: string, owner: string, ttlMs: number): Promise<RunLease | undefined> {
    const lease = await this.inner.acquireLease(runId, owner, ttlMs);
    if (!lease) return undefined;
    return {
      ...lease,
      release: () => (this.killed && this.condition?.keepLeases ? Promise.resolve() : lease.release()),
    };
  }
  watch(target: string | 'all', listener: (change: StoreChange) => void): () => void {
    return this.inner.watch(target, listener);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
