import { type AfkErrorCode, AfkStorageError, isAfkError } from '../errors/index.js';
import type { ApprovalRequest, BackgroundTicket } from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import type { JSONValue } from '../internal/json.js';
import { redact } from '../internal/redact.js';
import type { RunLease, RunRecord, StoreBatch } from '../memory/types.js';
import { type RunFoldState, toSnapshot } from './fold.js';
import type { FlushOptions, RunnerInternals } from './run-types.js';

/**
 * Whether batches flushed `behind` may overlap the action that follows them (the model call, pure
 * tool bodies). On: a trailing batch is cut when it is flushed (exactly the events `mayTrail`
 * admitted), so nothing appended later (the overlapped call's own response) can commit ahead of
 * the batch it belongs with; see docs/decisions.md "Writes that overlap the next action".
 */
export const OVERLAP_WRITES = true;

/** Tries of one batch (the first write and its retries) before the run gives up on the store. */
export const WRITE_ATTEMPTS = 3;
/** The pause before each retry of a failed batch write, in ms. */
const RETRY_DELAYS_MS = [20, 100];
/** Refusals that the same batch would meet again: no retry. */
const PERMANENT: ReadonlySet<AfkErrorCode> = new Set<AfkErrorCode>([
  'invalid_argument',
  'approval_stale',
  'run_leased',
  'storage_closed',
  'storage_version',
  'storage_foreign',
  'unsupported',
  'row_corrupt',
  'log_corrupt',
  'checkpoint_corrupt',
]);

/**
 * The durable side of one execution: the sequence numbers, the batch of events (and approval and
 * ticket rows) appended since the last write, snapshots, and the run's lease. The execution
 * appends as it goes and flushes at the durable points of each step.
 *
 * One write chain: flushes run one after another, and a batch stays this writer's until the
 * store commits it. A failed write is retried (the same batch, `WRITE_ATTEMPTS` tries in all,
 * unless the refusal is permanent); when it still fails, its events go back in front of any
 * appended since, so the seqs stay gap-free and the next write (the run's failure ending)
 * carries them.
 *
 * Overlap: a flush `behind` whose loss in a crash is harmless (`mayTrail`) is cut at once (its
 * events, run record and snapshot fixed as they are now) and joins the chain, but waits until
 * `startTrailing()` (the model request sent, the tool bodies started), so the store works while
 * the loop waits; `settle()` waits for it and throws its error, before anything acts on what the
 * overlapped action returned. After a failed write nothing more is written until `settle()` has
 * reported it: batches cut behind it go back to the pending events with it, in seq order.
 */
export class DurableWriter {
  /** The seq of the next appended event. */
  nextSeq: number;
  private pending: RunEvent[] = [];
  private pendingApprovals: ApprovalRequest[] = [];
  private pendingTickets: BackgroundTicket[] = [];
  private stepsSinceSnapshot = 0;
  private eventsSinceSnapshot = 0;
  /** The seq of the last event the store committed (-1: none yet). */
  committedSeq: number;
  /** The write chain (never rejects: a write's failure is its caller's, or `failure`). */
  private chain: Promise<void> = Promise.resolve();
  /** Opens the gate of the batch flushed `behind` that waits for `startTrailing`. */
  private release: (() => void) | undefined;
  /** Batches cut and not yet committed, in seq order (the first is being written). */
  private uncommitted: Cut[] = [];
  /** A trailing write's failure (or the lease lost after it), thrown by the next `settle()`. */
  private failure: { error: unknown } | undefined;
  private lease: RunLease | undefined;
  private leaseTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly rt: Pick<RunnerInternals, 'store' | 'config' | 'ownerId'>,
    private readonly runId: string,
    firstSeq: number,
  ) {
    this.nextSeq = firstSeq;
    this.committedSeq = firstSeq - 1;
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
   * Takes back the last appended event while it is still unwritten (a final `run_completed`
   * whose batch failed: the failure ending replaces it). False when it was written or is not last.
   */
  retract(e: RunEvent): boolean {
    if (this.pending.at(-1) !== e || e.seq !== this.nextSeq - 1) return false;
    this.pending.pop();
    this.nextSeq--;
    this.eventsSinceSnapshot--;
    return true;
  }

  /** Events appended but not yet committed (pending, or cut and not yet written). */
  get unwritten(): number {
    let n = this.pending.length;
    for (const c of this.uncommitted) n += c.events.length;
    return n;
  }

  /**
   * Writes everything appended since the last flush in one atomic batch, after any write in
   * progress. Strict (the default): resolves once it has committed. With `behind`, a batch that
   * may trail (`mayTrail`) is cut now and only queued: it starts at `startTrailing()` and
   * `settle()` awaits it.
   */
  flush(state: RunFoldState, opts: FlushOptions = {}): Promise<void> {
    if (OVERLAP_WRITES && opts.behind && !opts.final && this.mayTrailNow(state, opts)) {
      this.startTrailing();
      // After a failed write nothing is cut: the events stay pending for the failure ending.
      if (this.failure) return Promise.resolve();
      const cut = this.cut(state, opts);
      if (!cut) return Promise.resolve();
      const gate = new Promise<void>((r) => {
        this.release = r;
      });
      this.chain = this.chain
        .then(() => gate)
        .then(() => this.writeCut(cut))
        .catch((error: unknown) => {
          this.failure ??= { error };
        });
      return Promise.resolve();
    }
    // A strict flush first waits for the trailing writes: their failure is its failure. Its
    // batch is cut once they committed (a failed one's events are back in front of it).
    return this.settle().then(() => {
      const write = this.chain.then(() => {
        const cut = this.cut(state, opts);
        return cut ? this.writeCut(cut) : undefined;
      });
      this.chain = write.catch(() => undefined);
      return write;
    });
  }

  /** Starts the batch flushed `behind` (the action it overlaps is under way). */
  startTrailing(): void {
    const release = this.release;
    this.release = undefined;
    release?.();
  }

  /** Resolves once every batch flushed `behind` has committed; rejects with the first failure. */
  async settle(): Promise<void> {
    this.startTrailing();
    await this.chain;
    const f = this.failure;
    if (f) {
      this.failure = undefined;
      throw f.error;
    }
  }

  private mayTrailNow(state: RunFoldState, opts: FlushOptions): boolean {
    return mayTrail(
      {
        events: this.pending,
        ...(this.pendingApprovals.length ? { approvals: this.pendingApprovals } : {}),
        ...(this.pendingTickets.length ? { tickets: this.pendingTickets } : {}),
        ...(opts.thread ? { thread: opts.thread } : {}),
      },
      state,
    );
  }

  /**
   * Last resort when the run's final batch cannot be written: the run record alone, marked
   * failed with its result, naming the last committed event (so the stored log stays valid and
   * resumable). One try; a failure is swallowed (the store is gone).
   */
  async markFailed(state: RunFoldState, result: RunRecord['result']): Promise<boolean> {
    const run: RunRecord = {
      ...runRecord(state),
      status: 'failed',
      lastSeq: this.committedSeq,
      ...(result ? { result } : {}),
    };
    this.startTrailing();
    const write = this.chain.then(() => this.rt.store.write({ run }));
    this.chain = write.catch(() => undefined);
    return write.then(
      () => true,
      () => false,
    );
  }

  /**
   * Takes everything appended since the last cut into one batch (with the run record and the
   * snapshot as of now); undefined when there is nothing to write.
   */
  private cut(state: RunFoldState, opts: FlushOptions): Cut | undefined {
    if (
      !this.pending.length &&
      !opts.snapshot &&
      !this.pendingApprovals.length &&
      !this.pendingTickets.length
    )
      return undefined;
    const events = this.pending;
    const approvals = this.pendingApprovals;
    const tickets = this.pendingTickets;
    const batch: StoreBatch = {
      events,
      run: runRecord(state),
      ...(approvals.length ? { approvals } : {}),
      ...(tickets.length ? { tickets } : {}),
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
    // Appends made from now on start the next batch.
    this.pending = [];
    this.pendingApprovals = [];
    this.pendingTickets = [];
    if (opts.snapshot) {
      this.stepsSinceSnapshot = 0;
      this.eventsSinceSnapshot = 0;
    }
    const cut: Cut = { batch, events, approvals, tickets, dropped: false };
    this.uncommitted.push(cut);
    return cut;
  }

  /** Writes a cut batch (the chain's turn has come); on failure every uncommitted cut goes back. */
  private async writeCut(cut: Cut): Promise<void> {
    // An earlier write failed: this batch's events went back to the pending ones with it.
    if (cut.dropped) return;
    if (this.failure) {
      // The write before committed but the lease was lost after it: write nothing more.
      this.restoreUncommitted();
      return;
    }
    try {
      await this.writeWithRetry(cut.batch);
    } catch (e) {
      this.restoreUncommitted();
      throw this.failed(e, cut.events.length);
    }
    this.uncommitted.shift();
    const last = cut.events.at(-1);
    if (last) this.committedSeq = last.seq;
    await this.renewLease();
  }

  /**
   * A batch is atomic: none of a failed one is stored. It and every batch cut after it stay
   * ours, in front of what came since, so the seqs stay gap-free for the failure ending.
   */
  private restoreUncommitted(): void {
    const cuts = this.uncommitted;
    this.uncommitted = [];
    for (let i = cuts.length - 1; i >= 0; i--) {
      const c = cuts[i]!;
      c.dropped = true;
      this.pending = c.events.concat(this.pending);
      this.pendingApprovals = c.approvals.concat(this.pendingApprovals);
      this.pendingTickets = c.tickets.concat(this.pendingTickets);
    }
  }

  /**
   * Writes `batch`, retrying transient refusals; throws the first refusal (the root cause). A
   * refused write whose batch the store holds anyway (it committed, the answer was lost) counts
   * as committed: a replayed batch never doubles the log (the store refuses seqs it has) and
   * never fails a run that is in fact durable.
   */
  private async writeWithRetry(batch: StoreBatch): Promise<void> {
    let first: unknown;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.rt.store.write(batch);
        return;
      } catch (e) {
        first ??= e;
        if (isAfkError(e) && PERMANENT.has(e.code)) throw first;
        if (await this.holds(batch)) return;
        if (attempt >= WRITE_ATTEMPTS) throw first;
        const delay = RETRY_DELAYS_MS[attempt - 1] ?? RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1]!;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /**
   * Whether the store holds this batch's events (same seqs, types and times: this writer's; a
   * batch is atomic, so the rest of it committed too). False when it cannot tell.
   */
  private async holds(batch: StoreBatch): Promise<boolean> {
    const events = batch.events;
    if (!events?.length) return false;
    try {
      const stored = await this.rt.store.readEvents(this.runId, {
        fromSeq: events[0]!.seq,
        toSeq: events[events.length - 1]!.seq,
      });
      return (
        stored.length === events.length &&
        stored.every(
          (s, i) => s.seq === events[i]!.seq && s.type === events[i]!.type && s.ts === events[i]!.ts,
        )
      );
    } catch {
      return false;
    }
  }

  /** The error a failed write ends the run with: the store's `storage_*` code (else storage_error). */
  private failed(e: unknown, events: number): AfkStorageError {
    const code: AfkErrorCode = isAfkError(e) && e.code.startsWith('storage_') ? e.code : 'storage_error';
    const why = e instanceof Error ? e.message : String(e);
    return new AfkStorageError(
      code,
      `run ${this.runId}: a batch of ${events} event(s) could not be written (${why}); nothing of it was stored`,
      { cause: e },
    );
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

/** One batch as it was cut: written when the chain reaches it, or given back if a write failed. */
interface Cut {
  batch: StoreBatch;
  events: RunEvent[];
  approvals: ApprovalRequest[];
  tickets: BackgroundTicket[];
  /** An earlier write failed and this batch's rows went back to the pending ones. */
  dropped: boolean;
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
    ...(s.forkedFrom ? { forkedFrom: s.forkedFrom } : {}),
    summary: {
      ...(s.inputPreview === undefined ? {} : { input: s.inputPreview }),
      steps: s.step,
      usage: { ...s.usage },
    },
  };
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
