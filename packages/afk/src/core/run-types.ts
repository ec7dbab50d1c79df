import type { Agent } from '../agents/agent.js';
import type { PolicyEngine } from '../agents/policy.js';
import type { AgentResult, ApprovalRequest, BackgroundTicket } from '../events/records.js';
import type { RunEvent, RunEventData, RunEventType } from '../events/run-event.js';
import type { JSONValue } from '../internal/json.js';
import type { LLMClient, Message } from '../llms/types.js';
import type { MemoryStore, RunLease, ThreadRecord } from '../memory/types.js';
import type { TelemetrySink, TelemetrySpan } from '../telemetry/index.js';
import type { Middleware } from '../tools/tool.js';
import type { RunnerConfig } from './config.js';
import type { RunFoldState } from './fold.js';
import type { InteractionProvider } from './interaction.js';
import type { StreamHub } from './stream.js';

/**
 * The shapes the parts of a run share. Each stage (the tool gate's, the model call, background
 * waiting, the endings) takes the narrow host it needs, never the whole `RunExecution`: the
 * execution satisfies them all structurally, which keeps the modules free of import circles.
 */

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

/** Options of one durable write (see `DurableWriter.flush`). */
export interface FlushOptions {
  snapshot?: boolean;
  final?: boolean;
  thread?: ThreadRecord;
  durability?: 'default' | 'relaxed';
  /**
   * The batch need not commit before the caller goes on (see `DurableWriter.flush`): it is
   * started now and awaited by the next strict flush or `settle()`. Honoured only for batches
   * whose loss in a crash is harmless (`mayTrail`); any other batch is written strictly.
   */
  behind?: boolean;
}

/** The run's event log as a stage sees it: the folded state and the one way to append to it. */
export interface RunLog {
  readonly state: RunFoldState;
  emit<T extends RunEventType>(type: T, data: RunEventData<T>, step?: number): RunEvent<T>;
}

/** Who is running, in the agent tree. */
export interface RunIdentity {
  readonly agent: Agent;
  readonly agentPath: string;
  readonly init: ExecutionInit;
  readonly signal: AbortSignal;
}

/** Answering a tool call (validate, skip, journal, sanitise): the log and who answers. */
export type AnswerHost = RunLog & {
  readonly agent: Agent;
  readonly agentPath: string;
  readonly rt: Pick<RunnerInternals, 'config'>;
};

/** Limits: the log plus the agent's fail-safe. */
export type LimitHost = RunLog & { readonly agent: Agent };

/** Policy evaluation (`policy-gate.ts`). */
export type PolicyHost = RunLog & RunIdentity & { readonly rt: Pick<RunnerInternals, 'policy'> };

/** The model call (`model-call.ts`, `structured-output.ts`). */
export type ModelHost = RunLog &
  RunIdentity & {
    readonly rt: Pick<RunnerInternals, 'resolveModel' | 'telemetry' | 'config'>;
    /** Starts the writes flushed `behind` (see `DurableWriter.startTrailing`). */
    startTrailingWrites?(): void;
    readonly runSpan: TelemetrySpan | undefined;
    /** Structured-output repair requests made so far. */
    repairs: number;
    publishDelta(
      type: 'text_delta' | 'reasoning_delta' | 'tool_input_delta',
      delta: string,
      extra?: { toolName?: string; toolCallId?: string },
    ): void;
  };

/** Background tickets (`background.ts`, the gate's defer). */
export type TicketHost = RunLog &
  RunIdentity & {
    readonly rt: Pick<RunnerInternals, 'store' | 'config' | 'settledTickets' | 'ticketSignal'>;
    queueTicket(t: BackgroundTicket): void;
    flush(opts?: FlushOptions): Promise<void>;
    /** Aborted by `interrupt()`: ends a wait for background tickets at once. */
    readonly interruption: AbortSignal;
  };

/** Running a tool body (`tool-gate/execute.ts`, `tool-gate/defer.ts`). */
export type ToolRunHost = TicketHost & {
  readonly rt: Pick<RunnerInternals, 'telemetry' | 'middlewares'>;
};

/** Approvals: raising, deciding and waiting (`tool-gate/approval.ts`, `tool-gate/recovery.ts`). */
export type ApprovalHost = RunLog &
  RunIdentity & {
    readonly rootRunId: string;
    readonly rt: Pick<RunnerInternals, 'store' | 'config' | 'interaction'>;
    /** Approvals this run is waiting on (own and from subagents). */
    readonly awaiting: ApprovalRequest[];
    /** An approval is about a side effect that may have happened before a crash. */
    sideEffectUnknown: boolean;
    queueApproval(a: ApprovalRequest): void;
  };

/** A child execution, as its parent sees it. */
export interface ChildRun {
  execute(): Promise<AgentResult>;
  interrupt(): void;
}

/** Subagents (`subagents.ts`): children are created through `spawnChild`, not imported. */
export type SubagentHost = RunLog &
  RunIdentity & {
    readonly rootRunId: string;
    readonly depth: number;
    readonly rt: Pick<RunnerInternals, 'store'>;
    readonly awaiting: ApprovalRequest[];
    /** A subagent paused; the parent pauses with it. */
    blockedOnChild: boolean;
    readonly children: Set<ChildRun>;
    spawnChild(init: ExecutionInit): ChildRun;
  };

/** Everything the tool gate's pipeline touches (the union of its stages' hosts). */
export type GateHost = ApprovalHost &
  ToolRunHost &
  SubagentHost &
  PolicyHost & {
    readonly rt: RunnerInternals;
    /** Starts the writes flushed `behind` (see `DurableWriter.startTrailing`). */
    startTrailingWrites?(): void;
  };

/** The endings (`endings.ts`): pause, finish, end from an error. */
export type EndingHost = RunLog &
  RunIdentity & {
    readonly rt: Pick<RunnerInternals, 'store'>;
    readonly awaiting: ApprovalRequest[];
    flush(opts?: FlushOptions): Promise<void>;
    /** Takes back the last appended event while it is unwritten (see `DurableWriter.retract`). */
    retract(e: RunEvent): void;
    /** Best effort: the run record alone, marked failed with `result` (see `DurableWriter.markFailed`). */
    markFailed(result: AgentResult): Promise<void>;
  };
