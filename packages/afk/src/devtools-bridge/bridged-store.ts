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
} from '../memory/types.js';

/**
 * `bridge.wrap(store)`: the wrapped store, plus every successful write handed to the bridge.
 * The hand-off is synchronous and cannot throw (the bridge queues; it posts later), so the
 * run's write path costs one function call more.
 */
export class BridgedStore implements MemoryStore {
  readonly kind: string;

  constructor(
    readonly inner: MemoryStore,
    private readonly forward: (batch: StoreBatch) => void,
  ) {
    this.kind = inner.kind;
  }

  async write(batch: StoreBatch): Promise<void> {
    await this.inner.write(batch);
    this.forward(batch);
  }
  readEvents(runId: string, opts?: ReadEventsOptions) {
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
  getApproval(id: string) {
    return this.inner.getApproval(id);
  }
  listApprovals(filter?: ApprovalFilter) {
    return this.inner.listApprovals(filter);
  }
  getTicket(ticketId: string) {
    return this.inner.getTicket(ticketId);
  }
  listTickets(filter?: TicketFilter) {
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
  compactRun(runId: string, opts: { beforeSeq?: number; keepSnapshots?: number }) {
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
