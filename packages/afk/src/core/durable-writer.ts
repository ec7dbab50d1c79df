import { AfkStorageError } from '../errors/index.js';
import type { ApprovalRequest, BackgroundTicket } from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import type { JSONValue } from '../internal/json.js';
import { redact } from '../internal/redact.js';
import type { RunLease, RunRecord, StoreBatch } from '../memory/types.js';
import { type RunFoldState, toSnapshot } from './fold.js';
import type { FlushOptions, RunnerInternals } from './run-types.js';

/**
 * The durable side of one execution: the sequence numbers, the batch of events (and approval and
 * ticket rows) appended since the last write, snapshots, and the run's lease. The execution
 * appends as it goes and flushes at the durable points of each step.
 */
export class DurableWriter {
  /** The seq of the next appended event. */
  nextSeq: number;
  private pending: RunEvent[] = [];
  private pendingApprovals: ApprovalRequest[] = [];
  private pendingTickets: BackgroundTicket[] = [];
  private stepsSinceSnapshot = 0;
  private eventsSinceSnapshot = 0;
  private lease: RunLease | undefined;
  private leaseTimer: ReturnType<typeof setInterval> | undefined;
  /** Batches flushed `behind`, not started yet (`startTrailing` starts them, in order). */
  private queued: StoreBatch[] = [];
  /** The chain of writes started behind the loop and not yet awaited (one at a time, in order). */
  private trailing: Promise<void> | undefined;
  /** The error of a failed write: sticky, nothing more is written after it. */
  private broken: unknown;

  constructor(
    private readonly rt: Pick<RunnerInternals, 'store' | 'config' | 'ownerId'>,
    private readonly runId: string,
    firstSeq: number,
  ) {
    this.nextSeq = firstSeq;
  }

  /** One appended event, written at the next flush. */
  append(e: RunEvent): void {
    this.pending.push(e);
    this.eventsSinceSnapshot++;
  }

  queueApproval(a: ApprovalRequest): void {
    this.pendingApprovals.push(a);
  }

  queueTicket(t: BackgroundTicket): void {
    this.pendingTickets.push(t);
  }

  /**
   * Writes everything appended since the last flush in one atomic batch. Strict (the default):
   * resolves once it and every earlier batch have committed. With `behind`, a batch whose loss
   * in a crash is harmless (`mayTrail`) is only started: the writes stay one ordered chain, and
   * the next strict flush or `settle()` waits for it (and throws its error). Once a write has
   * failed nothing more is written: every later flush rejects with that error.
   */
  async flush(state: RunFoldState, opts: FlushOptions = {}): Promise<void> {
    if (this.broken !== undefined) throw this.broken;
    if (
      !this.pending.length &&
      !opts.snapshot &&
      !this.pendingApprovals.length &&
      !this.pendingTickets.length
    )
      return this.settle();
    const batch: StoreBatch = {
      events: this.pending,
      run: runRecord(state),
      ...(this.pendingApprovals.length ? { approvals: this.pendingApprovals } : {}),
      ...(this.pendingTickets.length ? { tickets: this.pendingTickets } : {}),
      ...(opts.snapshot
        ? {
            // The live context may hold secrets: snapshots get it redacted, like run_started.
            snapshot: toSnapshot(
              {
                ...state,
                context: redact(state.context as JSONValue, this.rt.config.redactKeys) as Record<
                  string,
                  JSONValue
                >,
              },
              { final: opts.final ?? false },
            ),
          }
        : {}),
      ...(opts.thread ? { thread: opts.thread } : {}),
      durability: opts.durability ?? 'default',
    };
    this.pending = [];
    this.pendingApprovals = [];
    this.pendingTickets = [];
    if (opts.snapshot) {
      this.stepsSinceSnapshot = 0;
      this.eventsSinceSnapshot = 0;
    }
    if (opts.behind && !opts.final && mayTrail(batch, state)) {
      this.queued.push(batch);
      return;
    }
    await this.settle();
    await this.commit(batch);
  }

  /**
   * Starts the batches flushed `behind`, in order, each after the one before has committed. The
   * loop calls it once the action they overlap is under way (the model request sent, the tool
   * bodies started), so issuing the IndexedDB requests (structured clone, IPC) overlaps it too.
   */
  startTrailing(): void {
    if (!this.queued.length) return;
    for (const batch of this.queued) {
      const prev = this.trailing;
      const next = prev ? prev.then(() => this.commit(batch)) : this.commit(batch);
      // Observed by settle(); until then a failure must not surface as an unhandled rejection.
      next.catch(() => undefined);
      this.trailing = next;
    }
    this.queued = [];
  }

  /** Resolves once every batch flushed `behind` has committed; rejects (for good) if one failed. */
  async settle(): Promise<void> {
    this.startTrailing();
    const t = this.trailing;
    if (t === undefined) {
      if (this.broken !== undefined) throw this.broken;
      return;
    }
    try {
      await t;
    } finally {
      if (this.trailing === t) this.trailing = undefined;
    }
  }

  private async commit(batch: StoreBatch): Promise<void> {
    try {
      await this.rt.store.write(batch);
      await this.renewLease();
    } catch (e) {
      this.broken ??= e;
      throw e;
    }
  }

  /**
   * A snapshot every `snapshotEverySteps` steps, but never more often than once per 4 × (state
   * size) events: a snapshot copies the whole state, so spacing them by its size keeps the
   * amortised per-step cost constant however long the thread grows, and the resume tail bounded
   * (folding is cheap: ~1 µs an event).
   */
  snapshotDue(state: RunFoldState): boolean {
    this.stepsSinceSnapshot++;
    const size = state.messages.length + state.toolExecutions.length;
    return (
      this.stepsSinceSnapshot >= this.rt.config.snapshotEverySteps && this.eventsSinceSnapshot >= 4 * size
    );
  }

  // ---- the lease ----------------------------------------------------------------------------

  /** Takes the run's lease (or adopts one already held); refuses a run another owner executes. */
  async acquireLease(held: RunLease | undefined): Promise<void> {
    this.lease =
      held ?? (await this.rt.store.acquireLease(this.runId, this.rt.ownerId, this.rt.config.leaseTtlMs));
    if (!this.lease)
      throw new AfkStorageError('run_leased', `run ${this.runId} is being executed by another owner`);
  }

  /**
   * Keeps the lease while a long model call or tool body runs (flushes alone may be too rare);
   * losing it to another owner calls `onLost` (the execution aborts rather than run twice).
   */
  startLeaseRenewal(onLost: (e: unknown) => void): void {
    const ttl = this.rt.config.leaseTtlMs;
    this.leaseTimer = setInterval(
      () => void this.renewLease().catch(onLost),
      Math.max(1, Math.floor(ttl / 3)),
    );
  }

  stopLeaseRenewal(): void {
    if (this.leaseTimer !== undefined) clearInterval(this.leaseTimer);
  }

  async releaseLease(): Promise<void> {
    await this.lease?.release().catch(() => undefined);
  }

  private async renewLease(): Promise<void> {
    if (this.lease && this.lease.expiresAt - Date.now() < this.rt.config.leaseTtlMs / 2) {
      const l = await this.rt.store.acquireLease(this.runId, this.rt.ownerId, this.rt.config.leaseTtlMs);
      if (!l) throw new AfkStorageError('run_leased', `run ${this.runId} was taken over by another owner`);
      this.lease = l;
    }
  }
}

/** Events a batch may carry and still trail the loop (see `mayTrail`). */
const TRAILING_EVENTS = new Set<RunEvent['type']>([
  'step_started',
  'policy_decision',
  'llm_called',
  'llm_completed',
  'llm_failed',
  'tool_started',
  'tool_completed',
  'warning',
]);

/**
 * Whether a batch may commit behind the loop: losing it in a crash only redoes work that is
 * safe to redo. The step is redone from the last committed batch, so the batch may hold the
 * model's response, gate decisions, `step_started`, the journal entries of `pure` calls (they
 * may run again) and the results of calls that are not side effects (a `pure` call re-runs; an
 * `idempotent` one's `tool_started` is durable, so resume re-runs it). Never: a side effect's
 * journal entry or result, approval or ticket rows, the thread, run start/pause/end.
 */
export function mayTrail(batch: StoreBatch, state: RunFoldState): boolean {
  if (batch.approvals?.length || batch.tickets?.length || batch.thread) return false;
  for (const e of batch.events ?? []) {
    if (!TRAILING_EVENTS.has(e.type)) return false;
    if (e.type === 'tool_started' && (e as RunEvent<'tool_started'>).data.effects !== 'pure') return false;
    if (e.type === 'tool_completed') {
      const id = (e as RunEvent<'tool_completed'>).data.toolCallId;
      if (state.journal[id]?.effects === 'side_effect' || state.subagentRuns[id]) return false;
    }
  }
  return true;
}

function runRecord(s: RunFoldState): RunRecord {
  return {
    runId: s.runId,
    threadId: s.threadId,
    agentName: s.agentName,
    ...(s.parentRunId === undefined ? {} : { parentRunId: s.parentRunId }),
    rootRunId: s.rootRunId,
    status: s.status,
    startedAt: s.startedAt,
    updatedAt: Date.now(),
    lastSeq: s.lastSeq,
    ...(s.result ? { result: s.result } : {}),
  };
}
