import { z } from 'zod';
import type { Agent } from '../agents/agent.js';
import type { PolicyDecision, PolicyEngine, PolicyEvent } from '../agents/policy.js';
import {
  AfkError,
  AfkLLMError,
  AfkStorageError,
  isAbortError,
  isAfkError,
  toErrorInfo,
} from '../errors/index.js';
import type {
  AgentResult,
  ApprovalRequest,
  BackgroundTicket,
  ErrorInfo,
  RunState,
} from '../events/records.js';
import type { RunEvent, RunEventData, RunEventType } from '../events/run-event.js';
import { abortReason, linkSignals, raceSignal } from '../internal/abort.js';
import type { JSONValue } from '../internal/json.js';
import { toJSONValue } from '../internal/json.js';
import { redact } from '../internal/redact.js';
import { estimateCostUsd } from '../llms/pricing.js';
import type { LLMClient, LLMRequest, LLMResponse, LLMToolSpec, Message } from '../llms/types.js';
import type { MemoryStore, RunLease, RunRecord, StoreBatch, ThreadRecord } from '../memory/types.js';
import type { TelemetrySink, TelemetrySpan } from '../telemetry/index.js';
import type { Middleware } from '../tools/tool.js';
import type { RunnerConfig } from './config.js';
import { applyEvent, type RunFoldState, toSnapshot } from './fold.js';
import type { InteractionProvider } from './interaction.js';
import { buildResult } from './result.js';
import { projectEvent, type StreamHub } from './stream.js';
import { processToolCalls } from './tool-gate.js';

/** What every execution of one runner shares. */
export interface RunnerInternals {
  store: MemoryStore;
  config: RunnerConfig;
  policy: PolicyEngine | undefined;
  interaction: InteractionProvider | undefined;
  telemetry: TelemetrySink | undefined;
  middlewares: ReadonlyArray<Middleware>;
  ownerId: string;
  resolveModel(model: string | LLMClient): Promise<LLMClient>;
  /** In-process background work that settled: ticketId → outcome. */
  settledTickets: Map<string, { ok: true; output: JSONValue } | { ok: false; error: string }>;
  /** Wakes executions waiting for background tickets. */
  ticketSignal: EventTarget;
}

export interface ParentLink {
  runId: string;
  rootRunId: string;
  agentPath: string;
  depth: number;
  ancestors: string[];
}

export interface ExecutionInit {
  agent: Agent;
  runId: string;
  threadId: string;
  context: Record<string, JSONValue>;
  parent?: ParentLink;
  /** Fresh run: the new user messages. */
  input?: Message[];
  /** Resume: the folded state. */
  resumeState?: RunFoldState;
  resumeReason?: string;
  hub?: StreamHub;
  signal?: AbortSignal;
  /** Use the model's stream (deltas) rather than chat. */
  streaming: boolean;
  /** A subagent relays onto its parent's hub and must not close it. */
  relayOnly?: boolean;
  /** A lease already held for this run (resume acquires it before loading the state). */
  lease?: RunLease;
}

/** Thrown inside the loop to end the run with a given state. */
export class RunEnd extends Error {
  constructor(
    readonly state: RunState,
    readonly info?: ErrorInfo,
  ) {
    super(info?.message ?? state);
  }
}

const LIMIT_REASON = Symbol('afk-limit');
const ALLOW: PolicyDecision = Object.freeze({
  action: 'allow',
  matchedRules: [] as string[],
}) as PolicyDecision;

/**
 * One run in flight: the step loop. It appends typed events (state is the fold of them), flushes
 * them at the durable points of each step, and projects them onto the stream.
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
  private nextSeq = 0;
  private pending: RunEvent[] = [];
  private pendingApprovals: ApprovalRequest[] = [];
  private pendingTickets: BackgroundTicket[] = [];
  private stepsSinceSnapshot = 0;
  private eventsSinceSnapshot = 0;
  private wallTimer: ReturnType<typeof setTimeout> | undefined;
  private leaseTimer: ReturnType<typeof setInterval> | undefined;
  private lease: RunLease | undefined;
  private interruptRequested = false;
  private runSpan: TelemetrySpan | undefined;
  /** Approvals this run is waiting on (own and from subagents). */
  readonly awaiting: ApprovalRequest[] = [];
  /** An approval is about a side effect that may have happened before a crash. */
  sideEffectUnknown = false;
  /** A subagent paused; the parent pauses with it. */
  blockedOnChild = false;
  /** Child executions in flight, for interrupt/cancel propagation. */
  readonly children = new Set<RunExecution>();

  constructor(rt: RunnerInternals, init: ExecutionInit) {
    this.rt = rt;
    this.init = init;
    this.agent = init.agent;
    this.agentPath = init.parent ? `${init.parent.agentPath}>${init.agent.name}` : init.agent.name;
    this.rootRunId = init.parent?.rootRunId ?? init.runId;
    this.depth = init.parent ? init.parent.depth + 1 : 0;
    this.link = linkSignals(init.signal);
    this.controller = this.link.controller;
    if (init.resumeState) {
      this.state = init.resumeState;
      this.nextSeq = init.resumeState.lastSeq + 1;
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Ask the run to pause at the next step boundary (state `interrupted`, resumable). */
  interrupt(): void {
    this.interruptRequested = true;
    for (const c of this.children) c.interrupt();
  }

  /** Abort the run now (state `cancelled`). */
  cancel(reason = 'cancelled by caller'): void {
    if (!this.signal.aborted) this.controller.abort(new AfkError('cancelled', reason));
  }

  // ---- the event log -------------------------------------------------------------------------

  /** Appends one event: folded into state at once, persisted at the next flush, projected to the stream. */
  emit<T extends RunEventType>(type: T, data: RunEventData<T>, step?: number): RunEvent<T> {
    // Built in one literal (no spreads): this is the hottest allocation of the loop.
    const e = {
      runId: this.init.runId,
      threadId: this.init.threadId,
      seq: this.nextSeq++,
      ts: Date.now(),
      type,
      step,
      data,
    } as RunEvent<T>;
    if (step === undefined) delete (e as { step?: number }).step;
    this.state = applyEvent(this.state, e as RunEvent);
    this.pending.push(e as RunEvent);
    this.eventsSinceSnapshot++;
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
      textDelta: delta,
      ...extra,
    });
  }

  queueApproval(a: ApprovalRequest): void {
    this.pendingApprovals.push(a);
  }

  queueTicket(t: BackgroundTicket): void {
    this.pendingTickets.push(t);
  }

  /** Writes everything appended since the last flush in one atomic batch. */
  async flush(
    opts: {
      snapshot?: boolean;
      final?: boolean;
      thread?: ThreadRecord;
      durability?: 'default' | 'relaxed';
    } = {},
  ): Promise<void> {
    if (
      !this.pending.length &&
      !opts.snapshot &&
      !this.pendingApprovals.length &&
      !this.pendingTickets.length
    )
      return;
    const batch: StoreBatch = {
      events: this.pending,
      run: this.runRecord(),
      ...(this.pendingApprovals.length ? { approvals: this.pendingApprovals } : {}),
      ...(this.pendingTickets.length ? { tickets: this.pendingTickets } : {}),
      ...(opts.snapshot
        ? {
            // The live context may hold secrets: snapshots get it redacted, like run_started.
            snapshot: toSnapshot(
              {
                ...this.state,
                context: redact(this.state.context as JSONValue, this.rt.config.redactKeys) as Record<
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
    await this.rt.store.write(batch);
    await this.renewLease();
  }

  /**
   * A snapshot every `snapshotEverySteps` steps, but never more often than once per 4 × (state
   * size) events: a snapshot copies the whole state, so spacing them by its size keeps the
   * amortised per-step cost constant however long the thread grows, and the resume tail bounded
   * (folding is cheap: ~1 µs an event).
   */
  private snapshotDue(): boolean {
    this.stepsSinceSnapshot++;
    const size = this.state.messages.length + this.state.toolExecutions.length;
    return (
      this.stepsSinceSnapshot >= this.rt.config.snapshotEverySteps && this.eventsSinceSnapshot >= 4 * size
    );
  }

  private runRecord(): RunRecord {
    const s = this.state;
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

  private async renewLease(): Promise<void> {
    if (this.lease && this.lease.expiresAt - Date.now() < this.rt.config.leaseTtlMs / 2) {
      const l = await this.rt.store.acquireLease(this.init.runId, this.rt.ownerId, this.rt.config.leaseTtlMs);
      if (!l)
        throw new AfkStorageError('run_leased', `run ${this.init.runId} was taken over by another owner`);
      this.lease = l;
    }
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
      this.lease =
        this.init.lease ??
        (await this.rt.store.acquireLease(this.init.runId, this.rt.ownerId, this.rt.config.leaseTtlMs));
      if (!this.lease)
        throw new AfkStorageError('run_leased', `run ${this.init.runId} is being executed by another owner`);
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
      const remaining = fs.maxWallTimeMs - this.state.activeMs;
      this.wallTimer = setTimeout(
        () => {
          const err = new AfkError('limit_exceeded', `maxWallTimeMs (${fs.maxWallTimeMs} ms) exceeded`);
          (err as unknown as Record<symbol, unknown>)[LIMIT_REASON] = true;
          this.controller.abort(err);
        },
        Math.max(0, remaining),
      );
      // Keep the lease while a long model call or tool body runs (flushes alone may be too rare);
      // losing it to another owner aborts this execution rather than run twice.
      const ttl = this.rt.config.leaseTtlMs;
      this.leaseTimer = setInterval(
        () => void this.renewLease().catch((e: unknown) => this.controller.abort(e)),
        Math.max(1, Math.floor(ttl / 3)),
      );
      result = await this.loop();
    } catch (e) {
      result = await this.endFromError(e);
    } finally {
      if (this.wallTimer !== undefined) clearTimeout(this.wallTimer);
      if (this.leaseTimer !== undefined) clearInterval(this.leaseTimer);
      this.link.dispose();
      await this.lease?.release().catch(() => undefined);
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
      this.checkAbort();
      if (this.state.pendingToolCalls.length) {
        await processToolCalls(this, [...this.state.pendingToolCalls]);
        if (this.awaiting.length || this.blockedOnChild)
          return this.pause(
            this.blockedOnChild ? 'subagent' : this.sideEffectUnknown ? 'side_effect_unknown' : 'approval',
          );
      }
      if (this.hasPendingTickets()) await this.ingestTickets();
      if (this.interruptRequested) return this.pause('interrupt');
      this.checkBudgets();
      // A step whose model response never became durable (a crash) is redone, not counted twice.
      const redo = this.state.stepOpen === true;
      if (!redo && this.state.step >= fs.maxSteps) this.limit('maxSteps', this.state.step, fs.maxSteps);
      if (this.state.llmCalls >= fs.maxLlmCalls)
        this.limit('maxLlmCalls', this.state.llmCalls, fs.maxLlmCalls);
      const step = redo ? this.state.step : this.state.step + 1;
      this.emit('step_started', { step }, step);
      const llmDecision = await this.evaluatePolicy({
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
      if (this.init.hub) await raceSignal(this.init.hub.drained(), this.signal);
      await this.flush({ snapshot: this.snapshotDue() });
      const response = await this.callModel(step);
      if (response.toolCalls.length === 0) {
        const repaired = await this.checkStructuredOutput(response);
        if (repaired) continue;
        if (await this.waitForTickets()) continue;
        if (Object.values(this.state.tickets).some((t) => t.status === 'pending'))
          return this.pause('background');
        return this.finish('completed');
      }
      // Durable before any tool runs: the response, gate decisions and journal entries.
      await processToolCalls(this, response.toolCalls);
      if (this.awaiting.length || this.blockedOnChild)
        return this.pause(
          this.blockedOnChild ? 'subagent' : this.sideEffectUnknown ? 'side_effect_unknown' : 'approval',
        );
    }
  }

  private checkAbort(): void {
    if (this.signal.aborted) throw abortReason(this.signal);
  }

  private checkBudgets(): void {
    const fs = this.agent.failSafe;
    if (fs.maxTotalCostUsd !== undefined && this.state.usage.costUsd > fs.maxTotalCostUsd) {
      this.limit('maxTotalCostUsd', this.state.usage.costUsd, fs.maxTotalCostUsd);
    }
    if (fs.maxTotalTokens !== undefined && this.state.usage.totalTokens > fs.maxTotalTokens) {
      this.limit('maxTotalTokens', this.state.usage.totalTokens, fs.maxTotalTokens);
    }
  }

  /** Records a limit and ends the run per `onLimit`. */
  limit(name: string, value: number, max: number): never {
    this.emit('limit_hit', { limit: name, value, max }, this.state.step);
    throw new RunEnd(this.agent.failSafe.onLimit === 'fail' ? 'failed' : 'degraded', {
      code: 'limit_exceeded',
      message: `${name} limit reached (${value} of ${max})`,
    });
  }

  /** Runs the agent's engine, then the runner's; one `policy_decision` event per engine. */
  async evaluatePolicy(
    partial: Omit<
      PolicyEvent,
      'runId' | 'threadId' | 'agentName' | 'agentPath' | 'step' | 'context' | 'args'
    > & { args?: unknown },
  ): Promise<PolicyDecision> {
    const agentEngine = this.agent.policy;
    const runnerEngine = this.rt.policy;
    if (!agentEngine && !runnerEngine) {
      // Hot path: no rules means allow, still recorded (every gate crossing is in the log).
      this.recordDecision(partial, ALLOW, 'enforce');
      return ALLOW;
    }
    const { args, ...rest } = partial;
    const event: PolicyEvent = {
      ...rest,
      ...(args === undefined ? {} : { args: toJSONValue(args) }),
      runId: this.init.runId,
      threadId: this.init.threadId,
      agentName: this.agent.name,
      agentPath: this.agentPath,
      step: this.state.step,
      context: this.state.context,
    };
    // An agent engine's allow (with or without updatedArgs) does not skip the runner's engine:
    // the runner's rules still see the (updated) call and may deny it or ask a human.
    let allowed: PolicyDecision | undefined;
    for (const engine of [agentEngine, runnerEngine]) {
      if (!engine) continue;
      let d: PolicyDecision;
      try {
        d = await engine.evaluate(event);
      } catch (e) {
        d = { action: 'deny', matchedRules: [], reason: 'policy engine failed', error: String(e) };
      }
      this.recordDecision(event, d, engine.mode);
      if (engine.mode === 'shadow') continue;
      if (d.action !== 'allow') return d;
      if (d.updatedArgs) {
        allowed = allowed?.updatedArgs
          ? { ...d, updatedArgs: { ...allowed.updatedArgs, ...d.updatedArgs } }
          : d;
        const base =
          event.args && typeof event.args === 'object' && !Array.isArray(event.args) ? event.args : {};
        event.args = { ...base, ...d.updatedArgs };
      }
    }
    return allowed ?? ALLOW;
  }

  private recordDecision(
    ev: Pick<PolicyEvent, 'type' | 'toolName' | 'toolCallId'>,
    d: PolicyDecision,
    mode: 'enforce' | 'shadow',
  ): void {
    this.emit(
      'policy_decision',
      {
        event: ev.type,
        action: d.action,
        mode,
        ...(d.ruleId === undefined ? {} : { ruleId: d.ruleId }),
        ...(d.reason === undefined ? {} : { reason: d.reason }),
        ...(ev.toolName === undefined ? {} : { toolName: ev.toolName }),
        ...(ev.toolCallId === undefined ? {} : { toolCallId: ev.toolCallId }),
        ...(d.error === undefined ? {} : { error: d.error }),
      },
      this.state.step,
    );
  }

  // ---- the model ----------------------------------------------------------------------------

  private async buildRequest(client: LLMClient): Promise<LLMRequest> {
    const a = this.agent;
    const instructions =
      typeof a.instructions === 'function'
        ? await a.instructions({
            runId: this.init.runId,
            threadId: this.init.threadId,
            agentName: a.name,
            step: this.state.step,
            context: this.state.context,
          })
        : a.instructions;
    // A fresh array per request (providers and recorders may keep it); never spread into push(),
    // which has an argument limit a long thread would hit.
    const history = windowMessages(this.state.messages, a.history.maxMessages);
    const messages: Message[] = instructions
      ? [{ role: 'system', content: instructions }, ...history]
      : history.slice();
    const tools = toolSpecs(a);
    const ms = a.modelSettings;
    return {
      model: client.model,
      messages,
      ...(tools.length ? { tools } : {}),
      ...(ms.toolChoice === undefined ? {} : { toolChoice: ms.toolChoice }),
      ...(ms.temperature === undefined ? {} : { temperature: ms.temperature }),
      ...(ms.maxTokens === undefined ? {} : { maxTokens: ms.maxTokens }),
      ...(ms.topP === undefined ? {} : { topP: ms.topP }),
      ...(ms.reasoningEffort === undefined ? {} : { reasoningEffort: ms.reasoningEffort }),
      ...(a.outputSchema
        ? {
            responseFormat: {
              type: 'json_schema' as const,
              name: `${a.name}_output`,
              schema: outputJsonSchema(a.outputSchema),
            },
          }
        : {}),
      metadata: { runId: this.init.runId, agent: a.name },
    };
  }

  /** One model call with the fallback chain; appends llm_called / llm_completed (or llm_failed). */
  private async callModel(step: number): Promise<LLMResponse> {
    const fs = this.agent.failSafe;
    const chain: Array<string | LLMClient> = [this.agent.model, ...fs.fallbackModels];
    let lastError: unknown;
    for (const [i, model] of chain.entries()) {
      if (this.state.llmCalls >= fs.maxLlmCalls)
        this.limit('maxLlmCalls', this.state.llmCalls, fs.maxLlmCalls);
      const id = typeof model === 'string' ? model : `${model.provider}:${model.model}`;
      let client: LLMClient;
      try {
        client = typeof model === 'string' ? await this.rt.resolveModel(model) : model;
      } catch (e) {
        lastError = e;
        this.emit(
          'llm_failed',
          { model: id, error: toErrorInfo(e, 'llm_error'), willFallback: i < chain.length - 1 },
          step,
        );
        continue;
      }
      const req = await this.buildRequest(client);
      const stream = this.init.streaming && client.capabilities.streaming;
      this.emit('llm_called', { model: id, messageCount: req.messages.length, stream }, step);
      const span = this.rt.telemetry?.startSpan('afk.llm', { model: id, step }, this.runSpan);
      const t0 = now();
      try {
        const response = stream
          ? await this.consumeStream(client, req)
          : await client.chat(req, { signal: this.signal });
        const latencyMs = now() - t0;
        const costUsd = response.costUsd ?? estimateCostUsd(response.model || id, response.usage);
        this.emit(
          'llm_completed',
          {
            response: normaliseResponse(response, client),
            requestedModel: this.agent.modelId,
            costUsd,
            latencyMs,
          },
          step,
        );
        if (!stream && response.text) this.publishDelta('text_delta', response.text);
        span?.end({ ok: true });
        this.rt.telemetry?.histogram('afk.llm.latency_ms', latencyMs, { model: id });
        return response;
      } catch (e) {
        span?.end({ ok: false, error: toErrorInfo(e).code });
        if (this.signal.aborted) throw abortReason(this.signal);
        lastError = e;
        this.emit(
          'llm_failed',
          { model: id, error: toErrorInfo(e, 'llm_error'), willFallback: i < chain.length - 1 },
          step,
        );
      }
    }
    const info = toErrorInfo(lastError, 'llm_error');
    throw new RunEnd(fs.llmFailurePolicy === 'degrade' ? 'degraded' : 'failed', info);
  }

  private async consumeStream(client: LLMClient, req: LLMRequest): Promise<LLMResponse> {
    let response: LLMResponse | undefined;
    for await (const chunk of client.stream(req, { signal: this.signal })) {
      if (chunk.type === 'text_delta') this.publishDelta('text_delta', chunk.delta);
      else if (chunk.type === 'reasoning_delta') this.publishDelta('reasoning_delta', chunk.delta);
      else if (chunk.type === 'tool_call_delta')
        this.publishDelta('tool_input_delta', chunk.argsDelta, {
          ...(chunk.name ? { toolName: chunk.name } : {}),
          ...(chunk.id ? { toolCallId: chunk.id } : {}),
        });
      else if (chunk.type === 'completed') response = chunk.response;
    }
    if (!response)
      throw new AfkLLMError(
        'llm_bad_response',
        `${client.provider} stream ended without a completed response`,
        { retryable: true },
      );
    return response;
  }

  /** Structured output: validate the final answer with the agent's schema; ask for a repair up to twice. */
  private repairs = 0;
  private async checkStructuredOutput(response: LLMResponse): Promise<boolean> {
    const schema = this.agent.outputSchema;
    if (!schema) return false;
    let value: unknown = response.structured;
    let problem: string | undefined;
    if (value === undefined) {
      try {
        value = JSON.parse(stripFences(response.text));
      } catch (e) {
        problem = `not valid JSON: ${(e as Error).message}`;
      }
    }
    if (!problem) {
      const parsed = schema.safeParse(value);
      if (parsed.success) {
        this.state.finalStructured = parsed.data;
        return false;
      }
      problem = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    }
    if (this.repairs >= 2) {
      throw new RunEnd('failed', {
        code: 'structured_output_invalid',
        message: `final output does not match the output schema after ${this.repairs + 1} attempts: ${problem}`,
      });
    }
    this.repairs++;
    this.emit('warning', { code: 'structured_output_repair', message: problem }, this.state.step);
    // The repair request is part of the transcript, as a user turn.
    this.emit(
      'message_added',
      {
        reason: 'structured_output_repair',
        message: {
          role: 'user',
          content: `Your previous answer did not match the required JSON schema (${problem}). Reply again with only valid JSON.`,
        },
      },
      this.state.step,
    );
    return true;
  }

  // ---- background tickets -------------------------------------------------------------------

  private hasPendingTickets(): boolean {
    for (const id in this.state.tickets) if (this.state.tickets[id]?.status === 'pending') return true;
    return false;
  }

  /** Folds settled or expired tickets into the transcript. Returns how many were ingested. */
  async ingestTickets(): Promise<number> {
    let n = 0;
    for (const [ticketId, t] of Object.entries(this.state.tickets)) {
      if (t.status !== 'pending') continue;
      const row = await this.rt.store.getTicket(ticketId);
      if (!row) continue;
      const local = this.rt.settledTickets.get(ticketId);
      const step = this.state.step;
      let settled: BackgroundTicket;
      if (local?.ok || row.status === 'completed') {
        const output = local?.ok ? local.output : (row.output ?? null);
        settled = { ...row, status: 'completed', output };
        this.emit(
          'tool_background_resolved',
          {
            ticketId,
            toolCallId: t.toolCallId,
            toolName: t.toolName,
            output,
            content: `Background result of ${t.toolName} (call ${t.toolCallId}, ticket ${ticketId}): ${JSON.stringify(output)}`,
          },
          step,
        );
      } else if (
        (local && !local.ok) ||
        row.status === 'failed' ||
        row.status === 'expired' ||
        row.expiresAt < Date.now()
      ) {
        const error =
          local && !local.ok
            ? local.error
            : row.status === 'failed'
              ? (row.error ?? 'failed')
              : 'expired before it was resolved';
        settled = { ...row, status: row.status === 'pending' && !local ? 'expired' : 'failed', error };
        this.emit(
          'tool_background_failed',
          {
            ticketId,
            toolCallId: t.toolCallId,
            toolName: t.toolName,
            error,
            content: `Background call ${t.toolName} (call ${t.toolCallId}, ticket ${ticketId}) failed: ${error}`,
          },
          step,
        );
      } else continue;
      this.rt.settledTickets.delete(ticketId);
      this.queueTicket({ ...settled, ingested: true });
      n++;
    }
    return n;
  }

  /**
   * The model answered while tickets are pending: wait (bounded) for in-process work, then ingest
   * and let the model continue. Returns true when something was ingested.
   */
  private async waitForTickets(): Promise<boolean> {
    const pending = Object.entries(this.state.tickets).filter(([, t]) => t.status === 'pending');
    if (!pending.length) return false;
    if (await this.ingestTickets()) return true;
    if (this.rt.config.backgroundPolicy === 'interrupt') return false;
    const deadline = Date.now() + this.rt.config.backgroundMaxWaitMs;
    while (Date.now() < deadline) {
      await this.flush();
      await waitForEvent(
        this.rt.ticketSignal,
        'settled',
        Math.min(deadline - Date.now(), 250),
        this.signal,
        this.rt.store,
        this.init.runId,
      );
      if (await this.ingestTickets()) return true;
    }
    return false;
  }

  // ---- endings ------------------------------------------------------------------------------

  /** Pauses the run (state `interrupted`), persisting a snapshot so any runner can resume it. */
  async pause(
    reason: 'approval' | 'background' | 'interrupt' | 'side_effect_unknown' | 'subagent',
  ): Promise<AgentResult> {
    const approvals = [...this.awaiting];
    const pendingTickets = Object.entries(this.state.tickets)
      .filter(([, t]) => t.status === 'pending')
      .map(([id]) => id);
    this.emit(
      'run_paused',
      { reason, approvals: approvals.map((a) => a.id), tickets: pendingTickets },
      this.state.step,
    );
    const tickets = (await Promise.all(pendingTickets.map((id) => this.rt.store.getTicket(id)))).filter(
      (t): t is BackgroundTicket => t !== undefined,
    );
    return this.finish('interrupted', undefined, { approvals, tickets });
  }

  /** Appends `run_completed` with the result and writes the final batch (snapshot + thread). */
  async finish(
    state: RunState,
    error?: ErrorInfo,
    pending?: { approvals: ApprovalRequest[]; tickets: BackgroundTicket[] },
  ): Promise<AgentResult> {
    const result = buildResult(this.state, state, {
      ...(error ? { error } : {}),
      ...(pending ? { pending } : {}),
    });
    const safe = toJSONValue(result) as unknown as AgentResult;
    this.emit('run_completed', { result: safe }, this.state.step);
    let thread: ThreadRecord | undefined;
    if (!this.init.parent) {
      const prev = await this.rt.store.getThread(this.init.threadId);
      const runIds = prev?.runIds.includes(this.init.runId)
        ? prev.runIds
        : [...(prev?.runIds ?? []), this.init.runId];
      thread = {
        threadId: this.init.threadId,
        lastRunId: this.init.runId,
        runIds,
        createdAt: prev?.createdAt ?? Date.now(),
        updatedAt: Date.now(),
      };
    }
    await this.flush({ snapshot: true, final: true, ...(thread ? { thread } : {}) });
    return this.publishEnd(safe, result);
  }

  private closeHub(): void {
    if (!this.init.relayOnly) this.init.hub?.close();
  }

  private async endFromError(e: unknown): Promise<AgentResult> {
    let state: RunState = 'failed';
    let info: ErrorInfo;
    const reason = this.signal.aborted ? (this.signal.reason as unknown) : undefined;
    if (e instanceof RunEnd) {
      state = e.state;
      info = e.info ?? { code: 'internal', message: e.message };
    } else if (reason && (reason as Record<symbol, unknown>)[LIMIT_REASON]) {
      const fs = this.agent.failSafe;
      info = toErrorInfo(reason);
      if (this.state)
        this.emit(
          'limit_hit',
          {
            limit: 'maxWallTimeMs',
            value: now() - this.state.segmentStart + this.state.activeMs,
            max: fs.maxWallTimeMs,
          },
          this.state.step,
        );
      state = fs.onLimit === 'fail' ? 'failed' : 'degraded';
    } else if (this.signal.aborted && isAbortError(reason ?? e)) {
      state = 'cancelled';
      info = toErrorInfo(reason ?? e, 'cancelled');
    } else if (e instanceof AfkStorageError || (isAfkError(e) && e.name === 'AfkStorageError')) {
      // Persistence is gone: report, but do not try to write more (the committed log stays intact).
      info = toErrorInfo(e);
      if (!this.state) {
        this.closeHub();
        throw e;
      }
      return this.publishEnd(buildResult(this.state, 'failed', { error: info }));
    } else {
      info = toErrorInfo(e, 'internal');
    }
    if (!this.state) {
      this.closeHub();
      throw e;
    }
    try {
      return await this.finish(state, info);
    } catch (writeError) {
      return this.publishEnd(buildResult(this.state, 'failed', { error: toErrorInfo(writeError) }));
    }
  }

  /**
   * Publishes `completed` (the last stream event; never for a relayed subagent) and closes the
   * stream. Also ends a run whose final batch could not be written.
   */
  private publishEnd(published: AgentResult, result: AgentResult = published): AgentResult {
    if (!this.init.relayOnly)
      this.init.hub?.publish({
        type: 'completed',
        runId: this.init.runId,
        agentPath: this.agentPath,
        step: this.state.step,
        state: published.state,
        result: published,
      });
    this.closeHub();
    return result;
  }
}

/** Subagents take one argument: the task, which becomes the child's user message. */
export const SUBAGENT_ARGS = z.object({
  task: z.string().min(1).describe('The task for the subagent, as a complete instruction.'),
});
const SUBAGENT_PARAMETERS: Record<string, JSONValue> = {
  type: 'object',
  properties: {
    task: { type: 'string', description: 'The task for the subagent, as a complete instruction.' },
  },
  required: ['task'],
  additionalProperties: false,
};

const toolSpecCache = new WeakMap<Agent, LLMToolSpec[]>();
/** The tools offered to the model; agents are immutable, so computed once per agent. */
function toolSpecs(a: Agent): LLMToolSpec[] {
  let specs = toolSpecCache.get(a);
  if (!specs) {
    specs = [
      ...a.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })),
      ...a.subagents.map((s) => ({
        name: s.name,
        description: s.description ?? `Delegate a task to the ${s.name} agent.`,
        parameters: SUBAGENT_PARAMETERS,
      })),
    ];
    toolSpecCache.set(a, specs);
  }
  return specs;
}

const schemaCache = new WeakMap<z.ZodType, Record<string, JSONValue>>();
function outputJsonSchema(schema: z.ZodType): Record<string, JSONValue> {
  let s = schemaCache.get(schema);
  if (!s) {
    s = z.toJSONSchema(schema, { unrepresentable: 'any' }) as Record<string, JSONValue>;
    delete s.$schema;
    schemaCache.set(schema, s);
  }
  return s;
}

function stripFences(text: string): string {
  const m = /^```(?:json)?\s*([\s\S]*?)\s*```$/.exec(text.trim());
  return m ? m[1]! : text;
}

function normaliseResponse(r: LLMResponse, client: LLMClient): LLMResponse {
  return {
    text: r.text ?? '',
    toolCalls: r.toolCalls.map((c) => ({ id: c.id, name: c.name, args: toJSONValue(c.args) })),
    finishReason: r.finishReason,
    usage: r.usage,
    model: r.model || client.model,
    ...(r.costUsd === undefined ? {} : { costUsd: r.costUsd }),
    ...(r.structured === undefined ? {} : { structured: toJSONValue(r.structured) }),
    ...(r.requestId === undefined ? {} : { requestId: r.requestId }),
    ...(r.reasoning === undefined ? {} : { reasoning: r.reasoning }),
  };
}

/**
 * The last `max` messages, never starting with orphaned tool results (providers reject a tool
 * message whose assistant call was cut off): a cut inside a tool batch moves back to include the
 * assistant message that made the calls, so the window may exceed `max` by that batch.
 */
export function windowMessages(messages: Message[], max: number | undefined): Message[] {
  if (max === undefined || messages.length <= max) return messages;
  let start = messages.length - max;
  while (start > 0 && messages[start]?.role === 'tool') start--;
  return messages.slice(start);
}

/** A thread's memory: the messages of its last run, with unanswered tool calls closed off. */
export async function threadMessages(store: MemoryStore, runId: string): Promise<Message[]> {
  const { loadRunState } = await import('./load.js');
  const state = await loadRunState(store, runId);
  if (!state) return [];
  const messages = state.messages;
  const answered = new Set(
    messages.filter((m) => m.role === 'tool').map((m) => (m as { toolCallId: string }).toolCallId),
  );
  const out: Message[] = [];
  for (const m of messages) {
    out.push(m);
    if (m.role === 'assistant' && m.toolCalls) {
      for (const c of m.toolCalls) {
        if (!answered.has(c.id))
          out.push({
            role: 'tool',
            toolCallId: c.id,
            name: c.name,
            content: 'Not executed: the run ended before this call ran.',
            isError: true,
          });
      }
    }
  }
  return out;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** Waits for an EventTarget event, a store change for the run, a timeout or an abort. */
function waitForEvent(
  target: EventTarget,
  type: string,
  ms: number,
  signal: AbortSignal,
  store: MemoryStore,
  runId: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      target.removeEventListener(type, done);
      signal.removeEventListener('abort', onAbort);
      unwatch();
      resolve();
    };
    const onAbort = () => {
      done();
      reject(abortReason(signal));
    };
    const timer = setTimeout(done, Math.max(0, ms));
    target.addEventListener(type, done, { once: true });
    signal.addEventListener('abort', onAbort, { once: true });
    const unwatch = store.watch(runId, (c) => {
      if (c.kind === 'ticket') done();
    });
  });
}
