import type { Agent } from '../agents/agent.js';
import { AfkError } from '../errors/index.js';
import type {
  AgentResult,
  ApprovalDecision,
  ApprovalRequest,
  ApprovalStatus,
  BackgroundTicket,
} from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import { newId } from '../internal/ids.js';
import { InMemoryStore } from '../memory/in-memory.js';
import type { MemoryStore } from '../memory/types.js';
import type { RunnerConfig } from './config.js';
import { RunExecution } from './execution.js';
import { loadRunState } from './load.js';
import { createModelResolver } from './models.js';
import { runAgentSync, type SyncRunnerView } from './run-sync.js';
import type { ExecutionInit, RunnerInternals } from './run-types.js';
import { decideApproval, listApprovals } from './runner-approvals.js';
import { compactThread } from './runner-compaction.js';
import {
  type AgentRef,
  type AgentStreamHandle,
  assertAgent,
  assertId,
  assertOptionsObject,
  assertResumeOptions,
  assertRunOptions,
  assertTicketScope,
  type CompactionPolicy,
  type CompactionResult,
  parseRunnerOptions,
  type ResumeOptions,
  type RunnerOptions,
  type RunOptions,
  THREAD_BOUND_OPTIONS,
  toMessages,
} from './runner-options.js';
import { listTickets, settleTicket } from './runner-tickets.js';
import { StreamHub } from './stream.js';
import { failedHandle, makeHandle } from './stream-handle.js';

export type {
  AgentRef,
  AgentStreamHandle,
  CompactionPolicy,
  CompactionResult,
  ResumeOptions,
  RunnerOptions,
  RunOptions,
} from './runner-options.js';

/**
 * The engine: runs agents, streams them, pauses them for humans and resumes them — from memory
 * or from a durable store, in this process or another. Stateless apart from its store; one runner
 * serves any number of concurrent runs.
 *
 * @example
 * const runner = new Runner();
 * const result = await runner.run(agent, { userMessage: 'What is 1 + 2?' });
 * console.log(result.state, result.finalText);
 */
export class Runner {
  readonly store: MemoryStore;
  readonly config: Readonly<RunnerConfig>;
  private readonly rt: RunnerInternals;
  private readonly active = new Map<string, RunExecution>();
  /** The result promise of each execution in `active` (a resume of it waits for that). */
  private readonly activeResults = new Map<string, Promise<AgentResult>>();
  /** Constructor options given that cannot cross threads (`runSync` refuses them). */
  private readonly threadBound: readonly string[];

  constructor(given: RunnerOptions = {}) {
    const { options, config } = parseRunnerOptions(given);
    this.threadBound = THREAD_BOUND_OPTIONS.filter((k) => options[k] !== undefined);
    this.store = options.store ?? new InMemoryStore();
    this.config = Object.freeze(config);
    this.rt = {
      store: this.store,
      config: this.config,
      policy: options.policy,
      interaction: options.interaction,
      telemetry: options.telemetry,
      middlewares: options.middlewares ?? [],
      ownerId: newId('runner'),
      resolveModel: createModelResolver(options.llms),
      settledTickets: new Map(),
      ticketSignal: new EventTarget(),
    };
  }

  /**
   * Runs an agent to a terminal state. Resolves (never rejects) for failed runs; invalid
   * arguments (not an Agent, a malformed `userMessage`) reject with `AfkConfigError`.
   */
  run(agent: Agent, opts: RunOptions = {}): Promise<AgentResult> {
    let exec: RunExecution;
    try {
      exec = this.freshExecution(agent, opts, undefined, false);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.track(exec);
  }

  /**
   * Runs an agent and streams its events. Breaking out of `for await` or calling `cancel()` aborts
   * the run (state `cancelled`).
   *
   * @example
   * const handle = runner.runStream(agent, { userMessage: 'hi' });
   * for await (const ev of handle) if (ev.type === 'text_delta') process.stdout.write(ev.textDelta!);
   * const result = await handle.result;
   */
  runStream(agent: Agent, opts: RunOptions = {}): AgentStreamHandle {
    const hub = new StreamHub(this.config.streamBufferLimit);
    let exec: RunExecution;
    try {
      exec = this.freshExecution(agent, opts, hub, true);
    } catch (e) {
      // Invalid arguments: a handle whose iteration and result reject (never a synchronous throw).
      return failedHandle(e, opts);
    }
    return this.handle(exec, hub, this.track(exec));
  }

  /**
   * Continues a paused or crashed run from the store: after a human decision, a background
   * result, a reload or a crash. A finished run returns its stored result without calling the
   * model. When another owner is executing the run, this waits and returns its result.
   */
  async resume(agent: Agent, opts: ResumeOptions): Promise<AgentResult> {
    const prepared = await this.prepareResume(agent, opts, undefined);
    return prepared.kind === 'done' ? prepared.result : this.track(prepared.exec);
  }

  /** `resume`, streamed. */
  resumeStream(agent: Agent, opts: ResumeOptions): AgentStreamHandle {
    const hub = new StreamHub(this.config.streamBufferLimit);
    let execRef: RunExecution | undefined;
    // cancel()/interrupt() may come before the execution exists: remembered, applied on creation.
    let cancelReason: string | undefined;
    let interruptAsked = false;
    const result = this.prepareResume(agent, opts, hub).then(
      (p) => {
        if (p.kind === 'done') {
          hub.publish({ type: 'completed', runId: opts.runId, state: p.result.state, result: p.result });
          hub.close();
          return p.result;
        }
        execRef = p.exec;
        if (cancelReason !== undefined) p.exec.cancel(cancelReason);
        if (interruptAsked) p.exec.interrupt();
        return this.track(p.exec);
      },
      (e: unknown) => {
        // Not resumable (unknown run, corrupt checkpoint): end the stream instead of leaving it open.
        hub.publish({
          type: 'error',
          runId: String(opts?.runId),
          error: e instanceof Error ? e.message : String(e),
        });
        hub.close();
        throw e;
      },
    );
    return makeHandle(String(opts?.runId), String(opts?.threadId), hub, result, {
      cancel: (reason = 'cancelled by caller') => {
        if (execRef) execRef.cancel(reason);
        else cancelReason ??= reason;
      },
      interrupt: () => {
        if (execRef) execRef.interrupt();
        else interruptAsked = true;
      },
    });
  }

  /**
   * Blocks the calling thread until the run ends (Node only): the run executes in a worker
   * thread while this thread waits with `Atomics.wait`. The agent is named by module and export
   * because functions cannot cross threads; runner options that cannot cross (custom stores,
   * clients) are refused. In a browser main thread it throws `AfkUnsupportedError`.
   */
  runSync(ref: AgentRef, opts: Omit<RunOptions, 'signal'> & { timeoutMs?: number } = {}): AgentResult {
    return runAgentSync(ref, opts, this.syncOptions());
  }

  private syncOptions(): SyncRunnerView {
    return {
      config: this.config,
      customStore: !(this.store instanceof InMemoryStore),
      customLlms: false,
      unsupportedOptions: this.threadBound,
    };
  }

  /** Background tickets of a run (pending only unless `includeResolved`). */
  async listBackgroundTools(opts: {
    threadId: string;
    runId: string;
    includeResolved?: boolean;
  }): Promise<BackgroundTicket[]> {
    assertTicketScope(opts, 'listBackgroundTools');
    return listTickets(this.rt, opts);
  }

  /** Resolves an external ticket; the run ingests it at its next step (or on `resume`). */
  async resolveBackgroundTool(opts: {
    threadId: string;
    runId: string;
    ticketId: string;
    output: unknown;
  }): Promise<void> {
    assertTicketScope(opts, 'resolveBackgroundTool');
    assertId(opts.ticketId, 'resolveBackgroundTool: ticketId');
    return settleTicket(this.rt, opts, { output: opts.output });
  }

  /** Fails an external ticket; the model sees the error. */
  async failBackgroundTool(opts: {
    threadId: string;
    runId: string;
    ticketId: string;
    error: string;
  }): Promise<void> {
    assertTicketScope(opts, 'failBackgroundTool');
    assertId(opts.ticketId, 'failBackgroundTool: ticketId');
    return settleTicket(this.rt, opts, { error: opts.error });
  }

  /**
   * Approval requests, newest last. With `runId`, includes those raised inside its subagents at
   * any depth (they surface on the root run).
   */
  async listApprovals(
    filter: { threadId?: string; runId?: string; status?: ApprovalStatus } = {},
  ): Promise<ApprovalRequest[]> {
    assertOptionsObject(filter, 'listApprovals');
    return listApprovals(this.store, filter);
  }

  /**
   * Records a human decision on the approval (never on the run's log: the run's owner appends it
   * when it ingests the decision, so one run has one writer). The approval is bound to its call
   * and args: deciding twice (`approval_stale`, also for the loser of two concurrent decisions),
   * a decision kind the request does not allow, or a mismatched `argsHash` is refused. A run that
   * is executing picks the decision up before it would pause; a paused one on `resume` (any
   * runner over the same store).
   */
  async decideApproval(opts: {
    approvalId: string;
    decision: ApprovalDecision;
    argsHash?: string;
  }): Promise<void> {
    assertOptionsObject(opts, 'decideApproval');
    assertId(opts.approvalId, 'decideApproval: approvalId');
    return decideApproval(this.store, opts, this.config.redactKeys);
  }

  /** Applies a retention policy to a thread's runs; every run stays resumable and every result readable. */
  async compactThread(opts: { threadId: string; policy?: CompactionPolicy }): Promise<CompactionResult> {
    assertOptionsObject(opts, 'compactThread');
    assertId(opts.threadId, 'compactThread: threadId');
    return compactThread(this.store, (runId) => this.active.has(runId), opts, this.rt.resolveModel);
  }

  /** The persisted log of a run: `{ runId, threadId, seq, ts, type, step?, data }`. */
  async events(runId: string, opts: { fromSeq?: number } = {}): Promise<RunEvent[]> {
    assertId(runId, 'events: runId');
    assertOptionsObject(opts, 'events');
    return this.store.readEvents(runId, opts);
  }

  // ---- internals ----------------------------------------------------------------------------

  private freshExecution(
    agent: Agent,
    opts: RunOptions,
    hub: StreamHub | undefined,
    streaming: boolean,
  ): RunExecution {
    assertAgent(agent);
    assertRunOptions(opts);
    const input = toMessages(opts.userMessage);
    const init: ExecutionInit = {
      agent,
      runId: opts.runId ?? newId('run'),
      threadId: opts.threadId ?? newId('thread'),
      context: { ...agent.contextDefaults, ...(opts.context ?? {}) },
      input,
      streaming,
      ...(hub ? { hub } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    };
    return new RunExecution(this.rt, init);
  }

  private async prepareResume(
    agent: Agent,
    opts: ResumeOptions,
    hub: StreamHub | undefined,
  ): Promise<{ kind: 'done'; result: AgentResult } | { kind: 'exec'; exec: RunExecution }> {
    assertAgent(agent);
    assertResumeOptions(opts);
    // Already executing on this runner: the lease (same owner) would not stop a second execution.
    const running = this.activeResults.get(opts.runId);
    if (running) {
      return { kind: 'done', result: await running };
    }
    const record = await this.store.getRun(opts.runId);
    if (record && record.threadId !== opts.threadId)
      throw new AfkError(
        'invalid_argument',
        `run ${opts.runId} belongs to thread ${record.threadId}, not ${opts.threadId}`,
      );
    // Claim the run first, then read it: what we fold is what nobody else is still writing.
    const lease = await this.store.acquireLease(opts.runId, this.rt.ownerId, this.config.leaseTtlMs);
    if (!lease) {
      // Another live owner (another tab or process) is executing it: watch until it ends.
      return { kind: 'done', result: await this.awaitOtherOwner(agent, opts) };
    }
    let state: Awaited<ReturnType<typeof loadRunState>>;
    try {
      state = await loadRunState(this.store, opts.runId);
      if (!state) throw new AfkError('not_found', `no run ${opts.runId} in the store`);
    } catch (e) {
      await lease.release();
      throw e;
    }
    if (state.result && state.status !== 'interrupted') {
      await lease.release();
      // The caller (resumeStream) publishes the stored result as `completed`, then closes the hub.
      return { kind: 'done', result: state.result };
    }
    const exec = new RunExecution(this.rt, {
      agent,
      runId: opts.runId,
      threadId: opts.threadId,
      context: { ...agent.contextDefaults, ...(opts.context ?? state.context) },
      resumeState: state,
      resumeReason: state.status === 'running' ? 'crash_recovery' : 'resume',
      streaming: hub !== undefined,
      lease,
      ...(hub ? { hub } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return { kind: 'exec', exec };
  }

  private async awaitOtherOwner(agent: Agent, opts: ResumeOptions): Promise<AgentResult> {
    // One subscription for the whole wait: a change that lands while we re-check the store or
    // the lease is counted, not lost (losing the owner's last write would stall us leaseTtlMs).
    let changes = 0;
    let wake: (() => void) | undefined;
    const unwatch = this.store.watch(opts.runId, (c) => {
      if (c.kind !== 'run') return;
      changes++;
      wake?.();
    });
    try {
      // A finished run never changes again: its stored result is the answer even while another
      // tab holds the lease (it may be resuming the same finished run, which writes nothing).
      const settled = await this.store.getRun(opts.runId);
      if (settled?.result && !['running', 'paused', 'interrupted'].includes(settled.status))
        return settled.result;
      for (;;) {
        if (changes === 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(done, this.config.leaseTtlMs);
            wake = done;
            function done() {
              clearTimeout(timer);
              resolve();
            }
          });
          wake = undefined;
        }
        changes = 0;
        const run = await this.store.getRun(opts.runId);
        if (run?.result && run.status !== 'running') return run.result;
        const lease = await this.store.acquireLease(opts.runId, this.rt.ownerId, this.config.leaseTtlMs);
        if (lease) {
          await lease.release();
          return this.resume(agent, opts);
        }
      }
    } finally {
      unwatch();
    }
  }

  private track(exec: RunExecution): Promise<AgentResult> {
    const runId = exec.init.runId;
    this.active.set(runId, exec);
    const result = exec.execute().finally(() => {
      this.active.delete(runId);
      this.activeResults.delete(runId);
    });
    this.activeResults.set(runId, result);
    return result;
  }

  private handle(exec: RunExecution, hub: StreamHub, result: Promise<AgentResult>): AgentStreamHandle {
    return makeHandle(exec.init.runId, exec.init.threadId, hub, result, exec);
  }
}
