import { z } from 'zod';
import type { Agent } from '../agents/agent.js';
import type { PolicyEngine } from '../agents/policy.js';
import { AfkConfigError, AfkError, formatIssues, fromZodIssues } from '../errors/index.js';
import type {
  AgentResult,
  ApprovalDecision,
  ApprovalRequest,
  ApprovalStatus,
  BackgroundTicket,
} from '../events/records.js';
import { ApprovalDecisionSchema } from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import { newId } from '../internal/ids.js';
import type { JSONValue } from '../internal/json.js';
import { toJSONValue } from '../internal/json.js';
import type { LLMClient, LLMResolver, Message } from '../llms/types.js';
import { MessageSchema } from '../llms/types.js';
import { InMemoryStore } from '../memory/in-memory.js';
import type { MemoryStore } from '../memory/types.js';
import type { TelemetrySink } from '../telemetry/index.js';
import type { Middleware } from '../tools/tool.js';
import { type RunnerConfig, type RunnerConfigInput, RunnerConfigSchema } from './config.js';
import { RunExecution } from './execution.js';
import type { InteractionProvider } from './interaction.js';
import { loadRunState } from './load.js';
import { createModelResolver } from './models.js';
import { runAgentSync } from './run-sync.js';
import type { ExecutionInit, RunnerInternals } from './run-types.js';
import { type AgentStreamEvent, StreamHub } from './stream.js';
import { statusOf } from './tool-gate/approval.js';

/** Options of `run`/`runStream`. */
export interface RunOptions {
  userMessage?: string | Message[];
  /** Runs on the same thread share conversation memory. Default: a new thread. */
  threadId?: string;
  context?: Record<string, JSONValue>;
  signal?: AbortSignal;
  /** Use a known run id (e.g. to correlate with your own records). Default: generated. */
  runId?: string;
}

export interface ResumeOptions {
  runId: string;
  threadId: string;
  /** The run's context; secrets are never stored, so pass them again here. */
  context?: Record<string, JSONValue>;
  signal?: AbortSignal;
}

/** The constructor options of `Runner`. */
export interface RunnerOptions {
  /** Default `InMemoryStore`; pass `new DexieStore({ name })` to persist to IndexedDB. */
  store?: MemoryStore;
  config?: RunnerConfigInput;
  /** Runs after each agent's own policy. */
  policy?: PolicyEngine;
  /** Decides approvals in `interactive` mode. */
  interaction?: InteractionProvider;
  telemetry?: TelemetrySink;
  /** Resolves model strings ('openai:gpt-4.1-mini') to clients; default: the built-in providers. */
  llms?: LLMResolver | Record<string, LLMClient>;
  /** Tool middlewares applied to every tool call, outermost. */
  middlewares?: Middleware[];
}

/** A running stream: iterate it for events; `result` resolves with the final `AgentResult`. */
export interface AgentStreamHandle extends AsyncIterable<AgentStreamEvent> {
  readonly runId: string;
  readonly threadId: string;
  readonly result: Promise<AgentResult>;
  /** Aborts the run now (state `cancelled`). */
  cancel(): void;
  /** Pauses at the next step boundary (state `interrupted`, resumable). */
  interrupt(): void;
  /** Another independent view of the same stream, from now on, with bounded buffering. */
  subscribe(): AsyncIterableIterator<AgentStreamEvent>;
}

/** How `runSync` names an agent: the module that defines it and the export (default `agent`). */
export interface AgentRef {
  module: string | URL;
  export?: string;
}

export interface CompactionPolicy {
  /** Drop events already covered by the run's latest snapshot (default true). */
  dropEventsBeforeSnapshot?: boolean;
  /** Snapshots kept per run (default 1, the newest). */
  keepSnapshots?: number;
}

export interface CompactionResult {
  threadId: string;
  runs: number;
  eventsDeleted: number;
  snapshotsDeleted: number;
}

const OptionsSchema = z
  .object({
    store: z
      .custom<MemoryStore>(
        (v) => typeof v === 'object' && v !== null && typeof (v as MemoryStore).write === 'function',
        'must implement MemoryStore',
      )
      .optional(),
    config: z.unknown().optional(),
    policy: z
      .custom<PolicyEngine>(
        (v) => typeof v === 'object' && v !== null && typeof (v as PolicyEngine).evaluate === 'function',
        'must be a PolicyEngine',
      )
      .optional(),
    interaction: z
      .custom<InteractionProvider>(
        (v) => typeof v === 'object' && v !== null && typeof (v as InteractionProvider).decide === 'function',
        'must have decide()',
      )
      .optional(),
    telemetry: z
      .custom<TelemetrySink>(
        (v) => typeof v === 'object' && v !== null && typeof (v as TelemetrySink).startSpan === 'function',
        'must be a TelemetrySink',
      )
      .optional(),
    llms: z
      .union([
        z.custom<LLMResolver>((v) => typeof v === 'function'),
        z.record(
          z.string(),
          z.custom<LLMClient>((v) => typeof v === 'object' && v !== null),
        ),
      ])
      .optional(),
    middlewares: z
      .array(
        z.custom<Middleware>(
          (v) => typeof v === 'object' && v !== null && (v as Middleware).kind === 'middleware',
          'must be created with middleware()',
        ),
      )
      .optional(),
  })
  .strict();

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

  constructor(options: RunnerOptions = {}) {
    const issues = [];
    const parsed = OptionsSchema.safeParse(options);
    if (!parsed.success) issues.push(...fromZodIssues(parsed.error.issues));
    const cfg = RunnerConfigSchema.safeParse(options.config ?? {});
    if (!cfg.success)
      issues.push(...fromZodIssues(cfg.error.issues).map((i) => ({ ...i, path: ['config', ...i.path] })));
    if (issues.length)
      throw new AfkConfigError('invalid_config', `Invalid Runner options:\n${formatIssues(issues)}`, {
        issues,
      });
    this.store = options.store ?? new InMemoryStore();
    this.config = Object.freeze(cfg.data!);
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

  /** Runs an agent to a terminal state. Resolves (never rejects) for failed runs. */
  run(agent: Agent, opts: RunOptions = {}): Promise<AgentResult> {
    const exec = this.freshExecution(agent, opts, undefined, false);
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
    const exec = this.freshExecution(agent, opts, hub, true);
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
        hub.publish({ type: 'error', runId: opts.runId, error: e instanceof Error ? e.message : String(e) });
        hub.close();
        throw e;
      },
    );
    return makeHandle(opts.runId, opts.threadId, hub, result, {
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

  private syncOptions(): { config: RunnerConfig; customStore: boolean; customLlms: boolean } {
    return { config: this.config, customStore: !(this.store instanceof InMemoryStore), customLlms: false };
  }

  /** Background tickets of a run (pending only unless `includeResolved`). */
  listBackgroundTools(opts: {
    threadId: string;
    runId: string;
    includeResolved?: boolean;
  }): Promise<BackgroundTicket[]> {
    return this.store.listTickets({
      threadId: opts.threadId,
      runId: opts.runId,
      includeResolved: opts.includeResolved ?? false,
    });
  }

  /** Resolves an external ticket; the run ingests it at its next step (or on `resume`). */
  async resolveBackgroundTool(opts: {
    threadId: string;
    runId: string;
    ticketId: string;
    output: unknown;
  }): Promise<void> {
    const t = await this.ticket(opts);
    await this.store.write({ tickets: [{ ...t, status: 'completed', output: toJSONValue(opts.output) }] });
    this.rt.ticketSignal.dispatchEvent(new Event('settled'));
  }

  /** Fails an external ticket; the model sees the error. */
  async failBackgroundTool(opts: {
    threadId: string;
    runId: string;
    ticketId: string;
    error: string;
  }): Promise<void> {
    const t = await this.ticket(opts);
    await this.store.write({ tickets: [{ ...t, status: 'failed', error: String(opts.error) }] });
    this.rt.ticketSignal.dispatchEvent(new Event('settled'));
  }

  private async ticket(opts: {
    threadId: string;
    runId: string;
    ticketId: string;
  }): Promise<BackgroundTicket> {
    const t = await this.store.getTicket(opts.ticketId);
    if (!t || t.runId !== opts.runId || t.threadId !== opts.threadId) {
      throw new AfkError('ticket_not_found', `no background ticket ${opts.ticketId} on run ${opts.runId}`);
    }
    if (t.status !== 'pending')
      throw new AfkError('invalid_argument', `ticket ${opts.ticketId} is already ${t.status}`);
    return t;
  }

  /**
   * Approval requests, newest last. With `runId`, includes those raised inside its subagents at
   * any depth (they surface on the root run).
   */
  async listApprovals(
    filter: { threadId?: string; runId?: string; status?: ApprovalStatus } = {},
  ): Promise<ApprovalRequest[]> {
    const base = {
      ...(filter.threadId ? { threadId: filter.threadId } : {}),
      ...(filter.status ? { status: filter.status } : {}),
    };
    if (!filter.runId) return this.store.listApprovals(base);
    const [own, nested] = await Promise.all([
      this.store.listApprovals({ ...base, runId: filter.runId }),
      this.store.listApprovals({ ...base, rootRunId: filter.runId }),
    ]);
    const byId = new Map([...own, ...nested].map((a) => [a.id, a]));
    return [...byId.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  /**
   * Records a human decision as an event on the run's log. The approval is bound to its call and
   * args: deciding twice, a decision kind the request does not allow, or a mismatched `argsHash`
   * is refused. Continue the run with `resume` (any runner over the same store).
   */
  async decideApproval(opts: {
    approvalId: string;
    decision: ApprovalDecision;
    argsHash?: string;
  }): Promise<void> {
    const parsed = ApprovalDecisionSchema.safeParse(opts.decision);
    if (!parsed.success) {
      const issues = fromZodIssues(parsed.error.issues);
      throw new AfkConfigError('invalid_argument', `Invalid approval decision:\n${formatIssues(issues)}`, {
        issues,
      });
    }
    const decision = parsed.data as ApprovalDecision;
    const approval = await this.store.getApproval(opts.approvalId);
    if (!approval) throw new AfkError('approval_not_found', `no approval ${opts.approvalId}`);
    if (approval.status !== 'pending')
      throw new AfkError(
        'approval_stale',
        `approval ${approval.id} was already decided (${approval.status})`,
      );
    if (opts.argsHash !== undefined && opts.argsHash !== approval.argsHash) {
      throw new AfkError(
        'approval_stale',
        `approval ${approval.id} is for other arguments (hash ${approval.argsHash}, not ${opts.argsHash})`,
      );
    }
    if (!approval.allowedDecisions.includes(decision.kind)) {
      throw new AfkError(
        'invalid_argument',
        `approval ${approval.id} allows ${approval.allowedDecisions.join(', ')}, not '${decision.kind}'`,
      );
    }
    const state = await loadRunState(this.store, approval.runId);
    if (!state)
      throw new AfkError('not_found', `run ${approval.runId} of approval ${approval.id} has no events`);
    if (this.active.has(approval.runId) && state.status === 'running') {
      throw new AfkError('run_leased', `run ${approval.runId} is executing; decide after it pauses`);
    }
    const status = statusOf(decision);
    const event: RunEvent<'approval_resolved'> = {
      runId: approval.runId,
      threadId: approval.threadId,
      seq: state.lastSeq + 1,
      ts: Date.now(),
      type: 'approval_resolved',
      step: state.step,
      data: {
        approvalId: approval.id,
        toolCallId: approval.toolCallId,
        decision: toJSONValue(decision) as ApprovalDecision,
        status,
        by: 'human',
      },
    };
    // Event and row in one atomic batch; a concurrent writer on the run makes the seq check fail.
    await this.store.write({
      events: [event as RunEvent],
      approvals: [{ ...approval, status, decision, decidedAt: Date.now() }],
    });
  }

  /** Applies a retention policy to a thread's runs; every run stays resumable and every result readable. */
  async compactThread(opts: { threadId: string; policy?: CompactionPolicy }): Promise<CompactionResult> {
    const policy = { dropEventsBeforeSnapshot: true, keepSnapshots: 1, ...(opts.policy ?? {}) };
    const runs = await this.store.listRuns({ threadId: opts.threadId });
    let eventsDeleted = 0;
    let snapshotsDeleted = 0;
    for (const run of runs) {
      if (this.active.has(run.runId)) continue;
      const snap = await this.store.getSnapshot(run.runId);
      if (!snap) continue;
      const r = await this.store.compactRun(run.runId, {
        ...(policy.dropEventsBeforeSnapshot ? { beforeSeq: snap.seq + 1 } : {}),
        keepSnapshots: Math.max(1, policy.keepSnapshots),
      });
      eventsDeleted += r.events;
      snapshotsDeleted += r.snapshots;
    }
    return { threadId: opts.threadId, runs: runs.length, eventsDeleted, snapshotsDeleted };
  }

  /** The persisted log of a run: `{ runId, threadId, seq, ts, type, step?, data }`. */
  events(runId: string, opts: { fromSeq?: number } = {}): Promise<RunEvent[]> {
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

/**
 * The primary subscriber exists from the start, so no event is missed however late iteration
 * begins; it is the one whose early exit cancels the run. Later iterations are extra subscribers.
 */
function makeHandle(
  runId: string,
  threadId: string,
  hub: StreamHub,
  result: Promise<AgentResult>,
  control: { cancel(reason?: string): void; interrupt(): void },
): AgentStreamHandle {
  let primary: AsyncIterableIterator<AgentStreamEvent> | undefined = hub.subscribe(() =>
    control.cancel('stream consumer stopped'),
  );
  // A handle used only for its `result` must not surface an unhandled rejection or keep events alive.
  result.catch(() => undefined);
  return {
    runId,
    threadId,
    result,
    cancel: () => control.cancel(),
    interrupt: () => control.interrupt(),
    subscribe: () => hub.subscribe(),
    [Symbol.asyncIterator]: () => {
      const it = primary ?? hub.subscribe();
      primary = undefined;
      return it;
    },
  };
}

function assertAgent(agent: Agent): void {
  if (agent?.kind !== 'agent') throw new AfkConfigError('invalid_argument', 'expected an Agent instance');
}

function toMessages(input: string | Message[] | undefined): Message[] {
  if (input === undefined) return [];
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const parsed = z.array(MessageSchema).safeParse(input);
  if (!parsed.success) {
    const issues = fromZodIssues(parsed.error.issues);
    throw new AfkConfigError('invalid_argument', `Invalid userMessage:\n${formatIssues(issues)}`, { issues });
  }
  return parsed.data as Message[];
}
