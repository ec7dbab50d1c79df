import type { ApprovalRequest, BackgroundTicket } from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
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

/**
 * A `MemoryStore` that forwards every call to `inner`. The base of store wrappers: extend it
 * and override only what the wrapper changes (a write hook, a read cache, a fault), so a new
 * `MemoryStore` method is forwarded here, in one place, for every wrapper. `kind` is the inner
 * store's unless the wrapper overrides it.
 *
 * @example
 * class CountingStore extends DelegatingStore {
 *   writes = 0;
 *   override async write(batch: StoreBatch): Promise<void> {
 *     await this.inner.write(batch);
 *     this.writes++;
 *   }
 * }
 * const runner = new Runner({ store: new CountingStore(new InMemoryStore()) });
 */
export class DelegatingStore<S extends MemoryStore = MemoryStore> implements MemoryStore {
  constructor(readonly inner: S) {}
  get kind(): string {
    return this.inner.kind;
  }
  write(batch: StoreBatch): Promise<void> {
    return this.inner.write(batch);
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
    return this.inner.putEvalReport(report);
  }
  listEvalReports(limit?: number): Promise<EvalReportRecord[]> {
    return this.inner.listEvalReports(limit);
  }
  compactRun(
    runId: string,
    opts: { beforeSeq?: number; keepSnapshots?: number },
  ): Promise<{ events: number; snapshots: number }> {
    return this.inner.compactRun(runId, opts);
  }
  acquireLease(runId: string, owner: string, ttlMs: number): Promise<RunLease | undefined> {
    return this.inner.acquireLease(runId, owner, ttlMs);
  }
  watch(target: string | 'all', listener: (change: StoreChange) => void): () => void {
    return this.inner.watch(target, listener);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
