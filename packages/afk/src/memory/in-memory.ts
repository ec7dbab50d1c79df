import { AfkStorageError } from '../errors/index.js';
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
import { ChangeHub } from './change-hub.js';

/**
 * The default store: everything in process memory, with the same contract as the durable stores
 * (atomic batches, gap-free seq, leases). `write` takes ownership of the events, run records and
 * snapshots it is given (no copy: this is the runner's hot path; do not mutate them afterwards);
 * everything read back is a structured clone, so readers can never mutate stored state.
 *
 * @example
 * const store = new InMemoryStore();
 * const runner = new Runner({ store });
 */
export class InMemoryStore implements MemoryStore {
  readonly kind = 'memory';
  private readonly events = new Map<string, RunEvent[]>();
  private readonly runs = new Map<string, RunRecord>();
  private readonly snapshots = new Map<string, RunSnapshot[]>();
  private readonly approvals = new Map<string, ApprovalRequest>();
  private readonly tickets = new Map<string, BackgroundTicket>();
  private readonly threads = new Map<string, ThreadRecord>();
  private readonly evalReports: EvalReportRecord[] = [];
  private readonly nextSeqOf = new Map<string, number>();
  private readonly leases = new Map<string, { owner: string; expiresAt: number }>();
  private readonly hub = new ChangeHub();
  private closed = false;

  async write(batch: StoreBatch): Promise<void> {
    this.assertOpen();
    // Validate the whole batch before applying any of it (atomicity).
    const nextSeq = new Map<string, number>();
    for (const e of batch.events ?? []) {
      const expected = nextSeq.get(e.runId) ?? this.nextSeqOf.get(e.runId) ?? 0;
      if (e.seq !== expected) {
        throw new AfkStorageError(
          'storage_error',
          `event seq ${e.seq} for run ${e.runId} does not continue the log (expected ${expected}); another writer?`,
        );
      }
      nextSeq.set(e.runId, expected + 1);
    }
    const changes: StoreChange[] = [];
    for (const e of batch.events ?? []) {
      let log = this.events.get(e.runId);
      if (!log) {
        log = [];
        this.events.set(e.runId, log);
      }
      log.push(e);
    }
    for (const [runId, next] of nextSeq) {
      this.nextSeqOf.set(runId, next);
      changes.push({ runId, lastSeq: next - 1, kind: 'events' });
    }
    if (batch.run) {
      this.runs.set(batch.run.runId, batch.run);
      changes.push({ runId: batch.run.runId, lastSeq: batch.run.lastSeq, kind: 'run' });
    }
    if (batch.snapshot) {
      const list = this.snapshots.get(batch.snapshot.runId) ?? [];
      list.push(batch.snapshot);
      if (list.length > 1 && list[list.length - 2]!.seq > batch.snapshot.seq)
        list.sort((a, b) => a.seq - b.seq);
      this.snapshots.set(batch.snapshot.runId, list);
    }
    for (const a of batch.approvals ?? []) {
      this.approvals.set(a.id, structuredClone(a));
      changes.push({ runId: a.runId, lastSeq: -1, kind: 'approval' });
    }
    for (const t of batch.tickets ?? []) {
      this.tickets.set(t.ticketId, structuredClone(t));
      changes.push({ runId: t.runId, lastSeq: -1, kind: 'ticket' });
    }
    if (batch.thread) this.threads.set(batch.thread.threadId, structuredClone(batch.thread));
    for (const c of changes) this.hub.emit(c);
  }

  async readEvents(runId: string, opts: ReadEventsOptions = {}): Promise<RunEvent[]> {
    this.assertOpen();
    const log = this.events.get(runId) ?? [];
    const from = opts.fromSeq ?? 0;
    const to = opts.toSeq ?? Number.POSITIVE_INFINITY;
    const out: RunEvent[] = [];
    for (const e of log) {
      if (e.seq < from || e.seq > to) continue;
      out.push(e);
      if (opts.limit !== undefined && out.length >= opts.limit) break;
    }
    return structuredClone(out);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const r = this.runs.get(runId);
    return r && structuredClone(r);
  }

  async listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    const out = [...this.runs.values()]
      .filter(
        (r) =>
          (filter.threadId === undefined || r.threadId === filter.threadId) &&
          (filter.status === undefined || r.status === filter.status),
      )
      .sort((a, b) => b.startedAt - a.startedAt);
    return structuredClone(filter.limit === undefined ? out : out.slice(0, filter.limit));
  }

  async getSnapshot(runId: string, maxSeq?: number): Promise<RunSnapshot | undefined> {
    const list = this.snapshots.get(runId) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      const s = list[i]!;
      if (maxSeq === undefined || s.seq <= maxSeq) return structuredClone(s);
    }
    return undefined;
  }

  async getApproval(id: string): Promise<ApprovalRequest | undefined> {
    const a = this.approvals.get(id);
    return a && structuredClone(a);
  }

  async listApprovals(filter: ApprovalFilter = {}): Promise<ApprovalRequest[]> {
    return structuredClone(
      [...this.approvals.values()]
        .filter(
          (a) =>
            (filter.threadId === undefined || a.threadId === filter.threadId) &&
            (filter.runId === undefined || a.runId === filter.runId) &&
            (filter.rootRunId === undefined || a.rootRunId === filter.rootRunId) &&
            (filter.status === undefined || a.status === filter.status),
        )
        .sort((a, b) => a.createdAt - b.createdAt),
    );
  }

  async getTicket(ticketId: string): Promise<BackgroundTicket | undefined> {
    const t = this.tickets.get(ticketId);
    return t && structuredClone(t);
  }

  async listTickets(filter: TicketFilter = {}): Promise<BackgroundTicket[]> {
    return structuredClone(
      [...this.tickets.values()]
        .filter(
          (t) =>
            (filter.threadId === undefined || t.threadId === filter.threadId) &&
            (filter.runId === undefined || t.runId === filter.runId) &&
            (filter.includeResolved || t.status === 'pending'),
        )
        .sort((a, b) => a.createdAt - b.createdAt),
    );
  }

  async getThread(threadId: string): Promise<ThreadRecord | undefined> {
    const t = this.threads.get(threadId);
    return t && structuredClone(t);
  }

  async putEvalReport(report: EvalReportRecord): Promise<void> {
    this.evalReports.push(structuredClone(report));
  }

  async listEvalReports(limit = 50): Promise<EvalReportRecord[]> {
    return structuredClone([...this.evalReports].sort((a, b) => b.startedAt - a.startedAt).slice(0, limit));
  }

  async compactRun(
    runId: string,
    opts: { beforeSeq?: number; keepSnapshots?: number },
  ): Promise<{ events: number; snapshots: number }> {
    let events = 0;
    let snapshots = 0;
    const log = this.events.get(runId);
    if (log && opts.beforeSeq !== undefined) {
      const kept = log.filter((e) => e.seq >= opts.beforeSeq!);
      events = log.length - kept.length;
      this.events.set(runId, kept);
    }
    const snaps = this.snapshots.get(runId);
    if (snaps && opts.keepSnapshots !== undefined && snaps.length > opts.keepSnapshots) {
      snapshots = snaps.length - opts.keepSnapshots;
      this.snapshots.set(runId, snaps.slice(snaps.length - opts.keepSnapshots));
    }
    return { events, snapshots };
  }

  async acquireLease(runId: string, owner: string, ttlMs: number): Promise<RunLease | undefined> {
    const now = Date.now();
    const held = this.leases.get(runId);
    if (held && held.owner !== owner && held.expiresAt > now) return undefined;
    const expiresAt = now + ttlMs;
    this.leases.set(runId, { owner, expiresAt });
    return {
      runId,
      owner,
      expiresAt,
      release: async () => {
        if (this.leases.get(runId)?.owner === owner) this.leases.delete(runId);
      },
    };
  }

  watch(target: string | 'all', listener: (change: StoreChange) => void): () => void {
    return this.hub.subscribe(target, listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.hub.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new AfkStorageError('storage_closed', 'InMemoryStore is closed');
  }
}
