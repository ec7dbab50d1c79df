import { AfkStorageError } from '../errors/index.js';
import type { ApprovalRequest, BackgroundTicket } from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import type { JSONValue } from '../internal/json.js';
import {
  approvalPrecondition,
  batchChanges,
  evalReportChange,
  planBatch,
  runsWithoutRecord,
  seqConflict,
} from './batch.js';
import { ChangeHub } from './change-hub.js';
import { type LeaseHolder, mayTakeLease } from './row-leases.js';
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
  /**
   * Eval reports as JSON text: a report is a `JSONValue`, so the text round trip is lossless, and
   * stringifying a 1,000-case report costs a fraction of a structured clone (the suite waits on it).
   */
  private readonly evalReports: Array<{ suiteId: string; startedAt: number; text: string }> = [];
  private readonly nextSeqOf = new Map<string, number>();
  private readonly leases = new Map<string, LeaseHolder>();
  private readonly hub = new ChangeHub();
  private closed = false;

  async write(batch: StoreBatch): Promise<void> {
    this.assertOpen();
    // Check the whole batch before applying any of it (atomicity). Key checks only: the durable
    // stores also zod-validate records, this one stays cheap on the runner's hot path.
    const plan = planBatch(batch, { deep: false });
    // Approval preconditions first: of two racing decisions the loser learns why (stale).
    for (const a of batch.approvals ?? []) {
      const stale = approvalPrecondition(a, this.approvals.get(a.id));
      if (stale) throw stale;
    }
    for (const [runId, r] of plan) {
      const expected = this.nextSeqOf.get(runId) ?? 0;
      if (r.first !== expected) throw seqConflict(runId, r.first, expected);
    }
    // Copy the small records before touching any state: a value that cannot be cloned must fail
    // the whole batch, not leave its events applied (atomicity).
    let copies: {
      approvals: ApprovalRequest[] | undefined;
      tickets: BackgroundTicket[] | undefined;
      thread: ThreadRecord | undefined;
    };
    try {
      // Most batches (a step's events) carry none of these: skip the clone call entirely then.
      copies =
        batch.approvals?.length || batch.tickets?.length || batch.thread
          ? structuredClone({ approvals: batch.approvals, tickets: batch.tickets, thread: batch.thread })
          : { approvals: undefined, tickets: undefined, thread: undefined };
    } catch (e) {
      throw new AfkStorageError('invalid_argument', `batch is not structured-clone safe: ${String(e)}`, {
        cause: e,
      });
    }
    for (const e of batch.events ?? []) {
      let log = this.events.get(e.runId);
      if (!log) {
        log = [];
        this.events.set(e.runId, log);
      }
      log.push(e);
    }
    for (const [runId, r] of plan) this.nextSeqOf.set(runId, r.next);
    if (batch.run) this.runs.set(batch.run.runId, batch.run);
    // A batch of events without its run record (a decision on an approval) still moves the
    // record's lastSeq: it always names the last event written (resume checks the log up to it).
    if (plan.size > (batch.run ? 1 : 0)) {
      for (const runId of runsWithoutRecord(batch, plan)) {
        const rec = this.runs.get(runId);
        if (rec) this.runs.set(runId, { ...rec, lastSeq: plan.get(runId)!.next - 1, updatedAt: Date.now() });
      }
    }
    if (batch.snapshot) {
      const snap = batch.snapshot;
      // Keyed like the durable stores ([runId+seq]): a snapshot at an existing seq replaces it.
      const list = (this.snapshots.get(snap.runId) ?? []).filter((s) => s.seq !== snap.seq);
      list.push(snap);
      if (list.length > 1 && list[list.length - 2]!.seq > snap.seq) list.sort((a, b) => a.seq - b.seq);
      this.snapshots.set(snap.runId, list);
    }
    for (const a of copies.approvals ?? []) this.approvals.set(a.id, a);
    for (const t of copies.tickets ?? []) this.tickets.set(t.ticketId, t);
    if (copies.thread) this.threads.set(copies.thread.threadId, copies.thread);
    for (const c of batchChanges(batch, plan)) this.hub.emit(c);
  }

  async readEvents(runId: string, opts: ReadEventsOptions = {}): Promise<RunEvent[]> {
    this.assertOpen();
    if (opts.limit !== undefined && opts.limit <= 0) return [];
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
    this.assertOpen();
    const r = this.runs.get(runId);
    return r && structuredClone(r);
  }

  async listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    this.assertOpen();
    const out = [...this.runs.values()]
      .filter(
        (r) =>
          (filter.threadId === undefined || r.threadId === filter.threadId) &&
          (filter.status === undefined || r.status === filter.status),
      )
      .sort((a, b) => b.startedAt - a.startedAt);
    return structuredClone(filter.limit === undefined ? out : out.slice(0, Math.max(0, filter.limit)));
  }

  async getSnapshot(runId: string, maxSeq?: number): Promise<RunSnapshot | undefined> {
    this.assertOpen();
    const list = this.snapshots.get(runId) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      const s = list[i]!;
      if (maxSeq === undefined || s.seq <= maxSeq) return structuredClone(s);
    }
    return undefined;
  }

  async getApproval(id: string): Promise<ApprovalRequest | undefined> {
    this.assertOpen();
    const a = this.approvals.get(id);
    return a && structuredClone(a);
  }

  async listApprovals(filter: ApprovalFilter = {}): Promise<ApprovalRequest[]> {
    this.assertOpen();
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
    this.assertOpen();
    const t = this.tickets.get(ticketId);
    return t && structuredClone(t);
  }

  async listTickets(filter: TicketFilter = {}): Promise<BackgroundTicket[]> {
    this.assertOpen();
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
    this.assertOpen();
    const t = this.threads.get(threadId);
    return t && structuredClone(t);
  }

  async putEvalReport(report: EvalReportRecord): Promise<void> {
    this.assertOpen();
    // Keyed like the durable stores: the same (suiteId, startedAt) replaces the earlier report.
    const i = this.evalReports.findIndex(
      (r) => r.suiteId === report.suiteId && r.startedAt === report.startedAt,
    );
    if (i >= 0) this.evalReports.splice(i, 1);
    this.evalReports.push({
      suiteId: report.suiteId,
      startedAt: report.startedAt,
      text: JSON.stringify(report.report),
    });
    this.hub.emit(evalReportChange(report));
  }

  async listEvalReports(limit = 50): Promise<EvalReportRecord[]> {
    this.assertOpen();
    return [...this.evalReports]
      .sort((a, b) => b.startedAt - a.startedAt)
      .slice(0, Math.max(0, limit))
      .map((r) => ({ suiteId: r.suiteId, startedAt: r.startedAt, report: JSON.parse(r.text) as JSONValue }));
  }

  /** See `MemoryStore.compactRun`; like the durable stores, the run's newest event is always kept. */
  async compactRun(
    runId: string,
    opts: { beforeSeq?: number; keepSnapshots?: number },
  ): Promise<{ events: number; snapshots: number }> {
    this.assertOpen();
    let events = 0;
    let snapshots = 0;
    const log = this.events.get(runId);
    if (log?.length && opts.beforeSeq !== undefined) {
      const before = Math.min(opts.beforeSeq, log[log.length - 1]!.seq);
      const kept = log.filter((e) => e.seq >= before);
      events = log.length - kept.length;
      this.events.set(runId, kept);
    }
    const snaps = this.snapshots.get(runId);
    const keep = Math.max(0, opts.keepSnapshots ?? Number.POSITIVE_INFINITY);
    if (snaps && snaps.length > keep) {
      snapshots = snaps.length - keep;
      this.snapshots.set(runId, snaps.slice(snaps.length - keep));
    }
    return { events, snapshots };
  }

  async acquireLease(runId: string, owner: string, ttlMs: number): Promise<RunLease | undefined> {
    this.assertOpen();
    const now = Date.now();
    if (!mayTakeLease(this.leases.get(runId), owner, now)) return undefined;
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
    this.leases.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new AfkStorageError('storage_closed', 'InMemoryStore is closed');
  }
}
