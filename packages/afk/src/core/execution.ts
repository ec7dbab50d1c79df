import type { Agent } from '../agents/agent.js';
import { AfkError } from '../errors/index.js';
import type { AgentResult, ApprovalRequest, BackgroundTicket } from '../events/records.js';
import type { RunEvent, RunEventData, RunEventType } from '../events/run-event.js';
import { abortReason, linkSignals, raceSignal } from '../internal/abort.js';
import type { JSONValue } from '../internal/json.js';
import { redact } from '../internal/redact.js';
import type { Message } from '../llms/types.js';
import type { TelemetrySpan } from '../telemetry/index.js';
import { hasPendingTickets, ingestTickets, waitForTickets } from './background.js';
import { stillAwaiting } from './decisions.js';
import { DurableWriter } from './durable-writer.js';
import { endFromError, finish, pause } from './endings.js';
import { applyEvent, type RunFoldState } from './fold.js';
import { checkBudgets, limit, startWallTimer } from './limits.js';
import { approveModelCall } from './model-approval.js';
import { callModel } from './model-call.js';
import { evaluatePolicy } from './policy-gate.js';
import { RunEnd } from './run-end.js';
import type { ChildRun, ExecutionInit, FlushOptions, RunnerInternals } from './run-types.js';
import { projectEvent } from './stream.js';
import { checkStructuredOutput } from './structured-output.js';
import { threadMessages } from './thread-memory.js';
import { processToolCalls } from './tool-gate/index.js';

export { windowMessages } from './model-call.js';
export { RunEnd } from './run-end.js';
export type { ExecutionInit, ParentLink, RunnerInternals } from './run-types.js';
export { threadMessages } from './thread-memory.js';

/**
 * One run in flight: the step loop. It appends typed events (state is the fold of them), flushes
 * them at the durable points of each step (`DurableWriter`), and projects them onto the stream.
 * The parts of a step live in their own modules, each taking a narrow host (`run-types.ts`) that
 * this class satisfies: the tool gate (`tool-gate/`), the model call (`model-call.ts`), policy
 * (`policy-gate.ts`), limits (`limits.ts`), background tickets (`background.ts`) and the endings
 * (`endings.ts`).
 */
export class RunExecution {
  state!: RunFoldState;
  readonly agent: Agent;
  readonly rt: RunnerInternals;
  readonly init: ExecutionInit;
  readonly agentPath: string;
  readonly rootRunId: string;
  readonly depth: number;
  readonly controller: AbortController;
  private readonly link: ReturnType<typeof linkSignals>;
  private readonly writer: DurableWriter;
  private wallTimer: ReturnType<typeof setTimeout> | undefined;
  private interruptRequested = false;
  private readonly interruptController = new AbortController();
  runSpan: TelemetrySpan | undefined;
  /** Structured-output repair requests made so far. */
  repairs = 0;
  /** Approvals this run is waiting on (own and from subagents). */
  readonly awaiting: ApprovalRequest[] = [];
  /** An approval is about a side effect that may have happened before a crash. */
  sideEffectUnknown = false;
  /** A subagent paused; the parent pauses with it. */
  blockedOnChild = false;
  /** Child executions in flight, for interrupt/cancel propagation. */
  readonly children = new Set<ChildRun>();

  constructor(rt: RunnerInternals, init: ExecutionInit) {
    this.rt = rt;
    this.init = init;
    this.agent = init.agent;
    this.agentPath = init.parent ? `${init.parent.agentPath}>${init.agent.name}` : init.agent.name;
    this.rootRunId = init.parent?.rootRunId ?? init.runId;
    this.depth = init.parent ? init.parent.depth + 1 : 0;
    this.link = linkSignals(init.signal);
    this.controller = this.link.controller;
    this.writer = new DurableWriter(rt, init.runId, init.resumeState ? init.resumeState.lastSeq + 1 : 0);
    if (init.resumeState) this.state = init.resumeState;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Aborted by `interrupt()` (not a cancel): ends a wait for background tickets. */
  get interruption(): AbortSignal {
    return this.interruptController.signal;
  }

  /** Ask the run to pause at the next step boundary (state `interrupted`, resumable). */
  interrupt(): void {
    this.interruptRequested = true;
    this.interruptController.abort();
    for (const c of this.children) c.interrupt();
  }

  /** Abort the run now (state `cancelled`). */
  cancel(reason = 'cancelled by caller'): void {
    if (!this.signal.aborted) this.controller.abort(new AfkError('cancelled', reason));
  }

  /** A subagent's execution (the factory `subagents.ts` uses, so it never imports this module). */
  spawnChild(init: ExecutionInit): ChildRun {
    return new RunExecution(this.rt, init);
  }

  // ---- the event log -------------------------------------------------------------------------

  /** Appends one event: folded into state at once, persisted at the next flush, projected to the stream. */
  emit<T extends RunEventType>(type: T, data: RunEventData<T>, step?: number): RunEvent<T> {
    // Built in one literal (no spreads): this is the hottest allocation of the loop.
    const e = {
      runId: this.init.runId,
      threadId: this.init.threadId,
      seq: this.writer.nextSeq++,
      ts: Date.now(),
      type,
      step,
      data,
    } as RunEvent<T>;
    if (step === undefined) delete (e as { step?: number }).step;
    this.state = applyEvent(this.state, e as RunEvent);
    this.writer.append(e as RunEvent);
    const hub = this.init.hub;
    if (hub) {
      const draft = projectEvent(e as RunEvent, this.agentPath);
      // `completed` is published by finish() once the final batch is durable (or by
      // publishEnd when it cannot be); a subagent's end is relayed as subagent_completed.
      if (draft && draft.type !== 'completed') hub.publish(draft);
    }
    return e;
  }

  /** Live-only stream events (text deltas): never persisted, the LLM response carries the text. */
  publishDelta(
    type: 'text_delta' | 'reasoning_delta' | 'tool_input_delta',
    delta: string,
    extra: { toolName?: string; toolCallId?: string } = {},
  ): void {
    this.init.hub?.publish({
      type,
      runId: this.init.runId,
      agentPath: this.agentPath,
      step: this.state.step,
      logSeq: this.state.lastSeq,
      textDelta: delta,
      ...extra,
    });
  }

  queueApproval(a: ApprovalRequest): void {
    this.writer.queueApproval(a);
  }

  queueTicket(t: BackgroundTicket): void {
    this.writer.queueTicket(t);
  }

  /** Writes everything appended since the last flush in one atomic batch. */
  flush(opts?: FlushOptions): Promise<void> {
    return this.writer.flush(this.state, opts);
  }

  retract(e: RunEvent): void {
    this.writer.retract(e);
  }

  async markFailed(result: AgentResult): Promise<void> {
    await this.writer.markFailed(this.state, result);
  }

  /** Starts the batches flushed `behind` (the action they overlap is under way). */
  startTrailingWrites(): void {
    this.writer.startTrailing();
  }

  // ---- the step loop -------------------------------------------------------------------------

  /** Runs to a terminal state. Never throws for a failed run: the result says so. */
  async execute(): Promise<AgentResult> {
    const fs = this.agent.failSafe;
    this.runSpan = this.rt.telemetry?.startSpan('afk.run', {
      agent: this.agent.name,
      runId: this.init.runId,
    });
    let result: AgentResult;
    try {
      await this.writer.acquireLease(this.init.lease);
      if (this.init.resumeState) {
        // The stored context is redacted: the caller's (unredacted) context is the live one.
        this.state.context = this.init.context;
        this.emit('run_resumed', {
          reason: this.init.resumeReason ?? 'resume',
          pendingToolCalls: this.state.pendingToolCalls,
        });
      } else {
        await this.start();
      }
      this.wallTimer = startWallTimer(fs.maxWallTimeMs, this.state.activeMs, this.controller);
      // Keep the lease while a long model call or tool body runs (flushes alone may be too rare);
      // losing it to another owner aborts this execution rather than run twice.
      this.writer.startLeaseRenewal((e: unknown) => this.controller.abort(e));
      result = await this.loop();
    } catch (e) {
      result = await endFromError(this, e);
    } finally {
      if (this.wallTimer !== undefined) clearTimeout(this.wallTimer);
      this.writer.stopLeaseRenewal();
      this.link.dispose();
      await this.writer.releaseLease();
    }
    this.runSpan?.end({
      ok: result.state === 'completed',
      ...(result.error ? { error: result.error.code } : {}),
    });
    this.rt.telemetry?.counter('afk.runs', 1, { state: result.state });
    return result;
  }

  private async start(): Promise<void> {
    let history: Message[] = [];
    if (!this.init.parent) {
      const thread = await this.rt.store.getThread(this.init.threadId);
      if (thread?.lastRunId) history = await threadMessages(this.rt.store, thread.lastRunId);
    }
    const contextForLog = redact(this.init.context as JSONValue, this.rt.config.redactKeys) as Record<
      string,
      JSONValue
    >;
    this.emit('run_started', {
      agentName: this.agent.name,
      agentPath: this.agentPath,
      ...(this.init.parent ? { parentRunId: this.init.parent.runId } : {}),
      rootRunId: this.rootRunId,
      model: this.agent.modelId,
      history,
      input: this.init.input ?? [],
      context: contextForLog,
    });
    // The real (unredacted) context stays in memory only.
    this.state.context = this.init.context;
  }

  private async loop(): Promise<AgentResult> {
    const fs = this.agent.failSafe;
    for (;;) {
      if (this.signal.aborted) throw abortReason(this.signal);
      if (this.state.pendingToolCalls.length) {
        await processToolCalls(this, [...this.state.pendingToolCalls]);
        const waiting = await this.humansPending();
        if (waiting === 'wait') return this.pauseForHumans();
        if (waiting === 'ingested') continue;
      }
      if (hasPendingTickets(this.state)) await ingestTickets(this);
      if (this.interruptRequested) return pause(this, 'interrupt');
      checkBudgets(this);
      // A step whose model response never became durable (a crash) is redone, not counted twice.
      const redo = this.state.stepOpen === true;
      if (!redo && this.state.step >= fs.maxSteps) limit(this, 'maxSteps', this.state.step, fs.maxSteps);
      if (this.state.llmCalls >= fs.maxLlmCalls)
        limit(this, 'maxLlmCalls', this.state.llmCalls, fs.maxLlmCalls);
      const step = redo ? this.state.step : this.state.step + 1;
      this.emit('step_started', { step }, step);
      const llmDecision = await evaluatePolicy(this, {
        type: 'llm_before_execute',
        model: this.agent.modelId,
      });
      if (llmDecision.action === 'deny') {
        throw new RunEnd('failed', {
          code: 'policy_denied',
          message:
            `model call denied by policy${llmDecision.ruleId ? ` '${llmDecision.ruleId}'` : ''}: ${llmDecision.reason ?? ''}`.trim(),
        });
      }
      if (llmDecision.action !== 'allow') {
        // request_approval / request_user_input: a human gates the model call, like a tool call.
        if ((await approveModelCall(this, step, this.agent.modelId, llmDecision)) === 'wait') {
          const waiting = await this.humansPending();
          if (waiting === 'wait') return this.pauseForHumans();
          if (waiting === 'ingested') continue;
        }
      }
      if (this.init.hub) await raceSignal(this.init.hub.drained(), this.signal);
      // The step's opening batch (the previous step's results, step_started, the decision) may
      // commit while the model works; nothing acts on the response before it has committed.
      await this.flush({ snapshot: this.writer.snapshotDue(this.state), behind: true });
      const response = await callModel(this, step);
      await this.writer.settle();
      if (response.toolCalls.length === 0) {
        const repaired = await checkStructuredOutput(this, response);
        if (repaired) continue;
        // A final answer that crossed a budget keeps its text but reports the limit (per onLimit).
        checkBudgets(this);
        if (await waitForTickets(this)) continue;
        if (this.interruptRequested) return pause(this, 'interrupt');
        if (Object.values(this.state.tickets).some((t) => t.status === 'pending'))
          return pause(this, 'background');
        return finish(this, 'completed');
      }
      // Durable before any tool runs: the response, gate decisions and journal entries.
      await processToolCalls(this, response.toolCalls);
      if ((await this.humansPending()) === 'wait') return this.pauseForHumans();
    }
  }

  /**
   * A call waits on a human (or a paused subagent). Decisions that arrived on the approval rows
   * while this batch ran are ingested first: the loop then goes on instead of pausing.
   */
  private async humansPending(): Promise<'wait' | 'ingested' | 'none'> {
    return this.blockedOnChild ? 'wait' : stillAwaiting(this);
  }

  private pauseForHumans(): Promise<AgentResult> {
    return pause(
      this,
      this.blockedOnChild ? 'subagent' : this.sideEffectUnknown ? 'side_effect_unknown' : 'approval',
    );
  }
}
