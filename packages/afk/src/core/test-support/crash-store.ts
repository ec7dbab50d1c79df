import { AfkStorageError } from '../../errors/index.js';
import type { RunEventType } from '../../events/run-event.js';
import { InMemoryStore } from '../../memory/in-memory.js';
import type { EvalReportRecord, MemoryStore, RunLease, StoreBatch } from '../../memory/types.js';
import { DelegatingStore } from './delegating-store.js';

/**
 * When the simulated process dies. The first matching write is refused (`storage_error`), and
 * every write after it (`storage_closed`: the runner's retry and its failure ending are refused).
 */
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
export class CrashStore extends DelegatingStore {
  /** Committed batches, in order. */
  readonly batches: StoreBatch[] = [];
  /** Events committed through this wrapper. */
  committedEvents = 0;
  /** True once the kill condition fired. */
  killed = false;
  /** Writes attempted after the crash (all refused). */
  writesAfterKill = 0;
  /** The batch that was refused when the kill fired. */
  killedBatch: StoreBatch | undefined;
  private condition: KillCondition | undefined;
  private typeMatches = 0;

  constructor(condition?: KillCondition, inner: MemoryStore = new InMemoryStore()) {
    super(inner);
    this.condition = condition;
  }

  /** Replaces the kill condition (for a store that should crash later in a run). */
  arm(condition: KillCondition | undefined): void {
    this.condition = condition;
  }

  override async write(batch: StoreBatch): Promise<void> {
    if (this.killed) {
      this.writesAfterKill++;
      // Permanent (the runner does not retry it): a dead process's store is gone.
      throw new AfkStorageError('storage_closed', 'simulated crash: the store is gone');
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

  override putEvalReport(report: EvalReportRecord): Promise<void> {
    if (this.killed)
      return Promise.reject(new AfkStorageError('storage_error', 'simulated crash: the store is gone'));
    return this.inner.putEvalReport(report);
  }
  override compactRun(
    runId: string,
    opts: { beforeSeq?: number; keepSnapshots?: number },
  ): Promise<{ events: number; snapshots: number }> {
    if (this.killed)
      return Promise.reject(new AfkStorageError('storage_error', 'simulated crash: the store is gone'));
    return this.inner.compactRun(runId, opts);
  }
  override async acquireLease(runId: string, owner: string, ttlMs: number): Promise<RunLease | undefined> {
    const lease = await this.inner.acquireLease(runId, owner, ttlMs);
    if (!lease) return undefined;
    return {
      ...lease,
      release: () => (this.killed && this.condition?.keepLeases ? Promise.resolve() : lease.release()),
    };
  }
}
