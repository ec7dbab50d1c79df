import { AfkStorageError, fromZodIssues } from '../errors/index.js';
import type {
  AgentResult,
  ApprovalDecision,
  RunStatus,
  SubagentExecutionRecord,
  ToolExecutionRecord,
  UsageAggregate,
} from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import type { JSONValue } from '../internal/json.js';
import { contentText, type Message, type ToolCall } from '../llms/types.js';
import { RUN_SUMMARY_INPUT_CHARS, type RunSnapshot, SNAPSHOT_VERSION } from '../memory/types.js';
import { RunFoldStateSchema } from './fold-schema.js';

export interface JournalEntry {
  toolName: string;
  status: 'started' | 'completed' | 'deferred';
  effects: 'pure' | 'idempotent' | 'side_effect';
  args: JSONValue;
}

/**
 * A run's state, derived by folding its event log. JSON-serialisable: snapshots store it as is.
 * `applyEvent` updates it in place so each event costs O(1) (no copy of the transcript per step).
 */
export interface RunFoldState {
  runId: string;
  threadId: string;
  agentName: string;
  agentPath: string;
  parentRunId?: string;
  rootRunId: string;
  /** Carried from the run record (a run made by `Debugger.fork`), so writes keep it. */
  forkedFrom?: { runId: string; seq: number };
  /** The run's first user message, shortened, for its record's listing summary. */
  inputPreview?: string;
  requestedModel: string;
  usedModel?: string;
  status: RunStatus;
  lastSeq: number;
  startedAt: number;
  /** Wall time spent running (pauses excluded), up to `segmentStart`. */
  activeMs: number;
  segmentStart: number;
  messages: Message[];
  step: number;
  /**
   * The current step started but its model response is not in the log (a crash in between):
   * resume redoes that step instead of counting a new one.
   */
  stepOpen?: boolean;
  llmCalls: number;
  toolCalls: number;
  usage: UsageAggregate;
  toolExecutions: ToolExecutionRecord[];
  subagentExecutions: SubagentExecutionRecord[];
  journal: Record<string, JournalEntry>;
  /** Tool calls of the last model response that have no result yet. */
  pendingToolCalls: ToolCall[];
  approvals: Record<
    string,
    { approvalId: string; toolName: string; status: string; decision?: ApprovalDecision }
  >;
  alwaysApprovedTools: string[];
  tickets: Record<
    string,
    {
      toolCallId: string;
      toolName: string;
      status: 'pending' | 'completed' | 'failed' | 'expired';
      /** When the call deferred (its ticket's `createdAt`): a settled record's latency counts from it. */
      deferredAt?: number;
    }
  >;
  subagentRuns: Record<string, string>;
  finalText: string;
  finalStructured?: unknown;
  limitsHit: string[];
  context: Record<string, JSONValue>;
  result?: AgentResult;
}

/**
 * An index keyed by tool-call id (or ticket id): a null-prototype object, so an id such as
 * `constructor`, `toString` or `__proto__` is an ordinary key, never a member of
 * `Object.prototype`. It survives the JSON round trip of a snapshot as a plain object;
 * `fromSnapshot` rebuilds it with a null prototype.
 */
export function idIndex<T>(from?: Record<string, T>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  if (from) for (const k of Object.keys(from)) out[k] = from[k] as T;
  return out;
}

export function emptyUsage(): UsageAggregate {
  return { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 };
}

/** `{ inputPreview }` from a run's input: its first user message's text, shortened. */
function previewOf(input: readonly Message[]): { inputPreview?: string } {
  const user = input.find((m) => m.role === 'user');
  if (!user) return {};
  const flat = contentText(user.content).replace(/\s+/g, ' ').trim();
  return flat ? { inputPreview: flat.slice(0, RUN_SUMMARY_INPUT_CHARS) } : {};
}

function initialState(e: RunEvent<'run_started'>): RunFoldState {
  const d = e.data;
  return {
    runId: e.runId,
    threadId: e.threadId,
    agentName: d.agentName,
    agentPath: d.agentPath,
    ...(d.parentRunId === undefined ? {} : { parentRunId: d.parentRunId }),
    rootRunId: d.rootRunId,
    ...previewOf(d.input as Message[]),
    requestedModel: d.model,
    status: 'running',
    lastSeq: e.seq,
    startedAt: e.ts,
    activeMs: 0,
    segmentStart: e.ts,
    messages: [...(d.history as Message[]), ...(d.input as Message[])],
    step: 0,
    llmCalls: 0,
    toolCalls: 0,
    usage: emptyUsage(),
    toolExecutions: [],
    subagentExecutions: [],
    journal: idIndex(),
    pendingToolCalls: [],
    approvals: idIndex(),
    alwaysApprovedTools: [],
    tickets: idIndex(),
    subagentRuns: idIndex(),
    finalText: '',
    limitsHit: [],
    context: d.context,
  };
}

function removePending(s: RunFoldState, toolCallId: string): void {
  const i = s.pendingToolCalls.findIndex((c) => c.id === toolCallId);
  if (i >= 0) s.pendingToolCalls.splice(i, 1);
}

/** A deferred call's pending record takes its final outcome once its ticket settles or fails. */
function settleRecord(
  s: RunFoldState,
  e: RunEvent<'tool_background_resolved'> | RunEvent<'tool_background_failed'>,
): void {
  const i = s.toolExecutions.findIndex((r) => r.pending && r.toolCallId === e.data.toolCallId);
  const prev = s.toolExecutions[i];
  if (!prev) return;
  const since = s.tickets[e.data.ticketId]?.deferredAt;
  const { pending: _, ...rest } = prev;
  s.toolExecutions[i] = {
    ...rest,
    success: e.type === 'tool_background_resolved',
    ...(e.type === 'tool_background_resolved'
      ? { output: (e as RunEvent<'tool_background_resolved'>).data.output }
      : { error: (e as RunEvent<'tool_background_failed'>).data.error }),
    latencyMs: prev.latencyMs + (since === undefined ? 0 : Math.max(0, e.ts - since)),
  };
}

function addUsage(
  into: UsageAggregate,
  u: { inputTokens: number; outputTokens: number; totalTokens: number },
  cost: number,
): void {
  into.inputTokens += u.inputTokens;
  into.outputTokens += u.outputTokens;
  into.totalTokens += u.totalTokens;
  into.costUsd += cost;
}

/**
 * Applies one event to a state, in place, and returns it. Deterministic: the same log always
 * folds to the same state (resume, time travel and the devtools rely on it).
 */
export function applyEvent(state: RunFoldState | undefined, e: RunEvent): RunFoldState {
  if (e.type === 'run_started') return initialState(e);
  if (!state)
    throw new AfkStorageError(
      'checkpoint_corrupt',
      `run ${e.runId}: event ${e.type}#${e.seq} before run_started`,
    );
  const s = state;
  s.lastSeq = e.seq;
  switch (e.type) {
    case 'step_started':
      s.step = e.data.step;
      s.stepOpen = true;
      break;
    case 'llm_called':
      s.llmCalls++;
      break;
    case 'llm_completed': {
      const r = e.data.response;
      addUsage(s.usage, r.usage, e.data.costUsd);
      s.usedModel = r.model;
      const msg: Message = r.toolCalls.length
        ? { role: 'assistant', content: r.text, toolCalls: r.toolCalls as ToolCall[] }
        : { role: 'assistant', content: r.text };
      s.messages.push(msg);
      s.pendingToolCalls = [...(r.toolCalls as ToolCall[])];
      s.stepOpen = false;
      if (r.text) s.finalText = r.text;
      if (r.structured !== undefined) s.finalStructured = r.structured;
      break;
    }
    case 'tool_started':
      s.journal[e.data.toolCallId] = {
        toolName: e.data.toolName,
        status: 'started',
        effects: e.data.effects,
        args: e.data.args,
      };
      s.toolCalls++;
      // The gate's approval ("may it run?") is consumed once the call starts: after a crash it
      // must not be read as the answer to the recovery question ("did it happen?").
      delete s.approvals[e.data.toolCallId];
      break;
    case 'tool_completed': {
      const d = e.data;
      s.messages.push({
        role: 'tool',
        toolCallId: d.toolCallId,
        name: d.toolName,
        content: d.content,
        ...(d.isError ? { isError: true } : {}),
      });
      const j = s.journal[d.toolCallId];
      if (j) j.status = 'completed';
      removePending(s, d.toolCallId);
      if (!d.skipped) s.toolExecutions.push(d.record as ToolExecutionRecord);
      break;
    }
    case 'tool_deferred': {
      const d = e.data;
      s.tickets[d.ticket.ticketId] = {
        toolCallId: d.toolCallId,
        toolName: d.toolName,
        status: 'pending',
        deferredAt: d.ticket.createdAt,
      };
      s.toolExecutions.push(
        (d.record as ToolExecutionRecord | undefined) ?? {
          toolName: d.toolName,
          toolCallId: d.toolCallId,
          success: false,
          pending: true,
          latencyMs: 0,
          agentName: s.agentName,
          agentPath: s.agentPath,
          replayed: false,
          attempts: 1,
        },
      );
      const j = s.journal[d.toolCallId];
      if (j) j.status = 'deferred';
      s.messages.push({
        role: 'tool',
        toolCallId: d.toolCallId,
        name: d.toolName,
        content: JSON.stringify({
          status: 'deferred',
          ticketId: d.ticket.ticketId,
          summary: d.ticket.summary,
        }),
      });
      removePending(s, d.toolCallId);
      break;
    }
    case 'tool_background_resolved':
    case 'tool_background_failed': {
      const t = s.tickets[e.data.ticketId];
      if (t) t.status = e.type === 'tool_background_resolved' ? 'completed' : 'failed';
      settleRecord(s, e);
      s.messages.push({ role: 'user', content: e.data.content });
      break;
    }
    case 'message_added':
      s.messages.push(e.data.message as Message);
      break;
    case 'approval_requested':
      s.approvals[e.data.approval.toolCallId] = {
        approvalId: e.data.approval.id,
        toolName: e.data.approval.toolName,
        status: 'pending',
      };
      break;
    case 'approval_resolved': {
      const prev = s.approvals[e.data.toolCallId];
      const decision = e.data.decision as ApprovalDecision;
      const toolName = prev?.toolName ?? '';
      s.approvals[e.data.toolCallId] = {
        approvalId: e.data.approvalId,
        toolName,
        status: e.data.status,
        decision,
      };
      if (
        decision.kind === 'approve' &&
        decision.scope === 'always_for_tool' &&
        toolName &&
        !s.alwaysApprovedTools.includes(toolName)
      ) {
        s.alwaysApprovedTools.push(toolName);
      }
      break;
    }
    case 'subagent_started':
      s.subagentRuns[e.data.toolCallId] = e.data.childRunId;
      break;
    case 'subagent_completed': {
      const d = e.data;
      s.subagentExecutions.push({
        subagentName: d.subagentName,
        success: d.success,
        ...(d.outputText === undefined ? {} : { outputText: d.outputText }),
        ...(d.error === undefined ? {} : { error: d.error }),
        latencyMs: d.latencyMs,
        runId: d.childRunId,
      });
      for (const r of d.toolExecutions) s.toolExecutions.push(r as ToolExecutionRecord);
      addUsage(s.usage, d.usage, d.usage.costUsd);
      break;
    }
    case 'limit_hit':
      if (!s.limitsHit.includes(e.data.limit)) s.limitsHit.push(e.data.limit);
      break;
    case 'run_paused':
      s.status = 'paused';
      s.activeMs += e.ts - s.segmentStart;
      s.segmentStart = e.ts;
      break;
    case 'run_resumed':
      s.status = 'running';
      s.segmentStart = e.ts;
      // The result of the pause it resumes from is stale now; a crash before the next
      // run_completed must not be mistaken for that (interrupted) ending.
      delete s.result;
      break;
    case 'run_completed':
      s.result = e.data.result as AgentResult;
      s.status = e.data.result.state;
      if (s.status !== 'interrupted') s.activeMs += e.ts - s.segmentStart;
      s.segmentStart = e.ts;
      break;
    case 'policy_decision':
    case 'llm_failed':
    case 'warning':
      break;
  }
  return s;
}

/** Folds a whole log (optionally on top of a snapshot's state). */
export function foldRun(events: readonly RunEvent[], base?: RunFoldState): RunFoldState {
  let s = base;
  for (const e of events) s = applyEvent(s, e);
  if (!s) throw new AfkStorageError('checkpoint_corrupt', 'empty run log');
  return s;
}

/**
 * Makes a snapshot record of a state. Mid-run the state keeps changing, so it is deep-copied;
 * the final snapshot of a run that has ended is handed over as is (nothing mutates it again, and
 * stores copy on read or serialise on write).
 */
export function toSnapshot(state: RunFoldState, opts: { final?: boolean } = {}): RunSnapshot {
  return {
    runId: state.runId,
    threadId: state.threadId,
    seq: state.lastSeq,
    version: SNAPSHOT_VERSION,
    createdAt: Date.now(),
    state: (opts.final ? state : JSON.parse(JSON.stringify(state))) as unknown as JSONValue,
  };
}

/** Reads a snapshot back; an unknown version or a malformed state is `checkpoint_corrupt`. */
export function fromSnapshot(snap: RunSnapshot): RunFoldState {
  if (snap.version !== SNAPSHOT_VERSION) {
    throw new AfkStorageError(
      'checkpoint_corrupt',
      `snapshot of run ${snap.runId} at seq ${snap.seq} has schema version ${String(snap.version)}; this AFK reads version ${SNAPSHOT_VERSION}`,
    );
  }
  const parsed = RunFoldStateSchema.safeParse(snap.state);
  if (!parsed.success) {
    const issues = fromZodIssues(parsed.error.issues);
    throw new AfkStorageError(
      'checkpoint_corrupt',
      `snapshot of run ${snap.runId} at seq ${snap.seq} is malformed (${issues
        .slice(0, 3)
        .map((i) => `state.${i.path.join('.')}: ${i.message}`)
        .join('; ')}); it was left untouched`,
      { issues: issues.map((i) => ({ ...i, path: ['state', ...i.path] })) },
    );
  }
  if (parsed.data.runId !== snap.runId || parsed.data.lastSeq !== snap.seq) {
    throw new AfkStorageError(
      'checkpoint_corrupt',
      `snapshot of run ${snap.runId} at seq ${snap.seq} holds the state of run ${parsed.data.runId} at seq ${parsed.data.lastSeq}`,
    );
  }
  // Stores hand out fresh copies on every read, so the state can be used (and mutated) as is,
  // once its id indexes have their null prototype back.
  const state = snap.state as unknown as RunFoldState;
  state.journal = idIndex(state.journal);
  state.approvals = idIndex(state.approvals);
  state.tickets = idIndex(state.tickets);
  state.subagentRuns = idIndex(state.subagentRuns);
  return state;
}
