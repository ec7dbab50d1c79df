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
 * tool bodies). Off: combined with retrying a failed batch (its events going back in front of
 * later appends), the overlap let a random-kill recovery append a transcript message twice in
 * the crash suite. Until that interplay is fixed, every flush is strict (the bench still measures
 * both write paths); see docs/decisions.md.
 */
export const OVERLAP_WRITES = false;

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
 * Overlap: a flush `behind` whose loss in a crash is harmless (`mayTrail`) joins the chain but
 * waits until `startTrailing()` (the model request sent, the tool bodies started), so the store
 * works while the loop waits; `settle()` waits for it and throws its error, before anything acts
 * on what the overlapped action returned.
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
  private chain: Promise<void> = Promise.resolve();
  /** Opens the gate of the batch flushed `behind` that waits for `startTrailing`. */
  private release: (() => void) | undefined;
  /** The last write flushed `behind` and not yet awaited by `settle`. */
  private trailing: Promise<void> | undefined;
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

  /** Events appended but not yet committed. */
  get unwritten(): number {
    return this.pending.length;
  }

  /**
   * Writes everything appended since the last flush in one atomic batch, after any write in
   * progress. Strict (the default): resolves once it has committed. With `behind`, a batch that
   * may trail (`mayTrail`) is only queued: it starts at `startTrailing()` and `settle()` awaits it.
   */
  flush(state: RunFoldState, opts: FlushOptions = {}): Promise<void> {
    if (OVERLAP_WRITES && opts.behind && !opts.final && this.mayTrailNow(state, opts)) {
      this.startTrailing();
      const gate = new Promise<void>((r) => {
        this.release = r;
      });
      const write = this.chain.then(() => gate).then(() => this.writePending(state, opts));
      this.chain = write.catch(() => undefined);
      // settle() sees every trailing write (the earliest failure wins); until then a failure must
      // not surface as an unhandled rejection.
      const prev = this.trailing;
      const joined = prev ? prev.then(() => write) : write;
      joined.catch(() => undefined);
      this.trailing = joined;
      return Promise.resolve();
    }
    // A strict flush first waits for the trailing writes: their failure is its failure.
    return this.settle().then(() => {
      const write = this.chain.then(() => this.writePending(state, opts));
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
    const t = this.trailing;
    this.trailing = undefined;
    if (t) await t;
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

  private async writePending(state: RunFoldState, opts: FlushOptions): Promise<void> {
    if (
      !this.pending.length &&
      !opts.snapshot &&
      !this.pendingApprovals.length &&
      !this.pendingTickets.length
    )
      return;
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
    // Appends made while the write is in flight start the next batch.
    this.pending = [];
    this.pendingApprovals = [];
    this.pendingTickets = [];
    try {
      await this.writeWithRetry(batch);
    } catch (e) {
      // A batch is atomic: none of it is stored. It stays ours, in front of what came since.
      this.pending = events.concat(this.pending);
      this.pendingApprovals = approvals.concat(this.pendingApprovals);
      this.pendingTickets = tickets.concat(this.pendingTickets);
      throw this.failure(e, events.length);
    }
    if (events.length) this.committedSeq = events[events.length - 1]!.seq;
    if (opts.snapshot) {
      this.stepsSinceSnapshot = 0;
      this.eventsSinceSnapshot = this.pending.length;
    }
    await this.renewLease();
  }

  /** Writes `batch`, retrying transient refusals; throws the first refusal (the root cause). */
  private async writeWithRetry(batch: StoreBatch): Promise<void> {
    let first: unknown;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.rt.store.write(batch);
        return;
      } catch (e) {
        first ??= e;
        if (attempt >= WRITE_ATTEMPTS || (isAfkError(e) && PERMANENT.has(e.code))) throw first;
        const delay = RETRY_DELAYS_MS[attempt - 1] ?? RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1]!;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** The error a failed write ends the run with: the store's `storage_*` code (else storage_error). */
  private failure(e: unknown, events: number): AfkStorageError {
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
