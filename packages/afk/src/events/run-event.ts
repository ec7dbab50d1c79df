import { z } from 'zod';
import { JSONValueSchema } from '../internal/json.js';
import { LLMResponseSchema, MessageSchema, ToolCallSchema } from '../llms/types.js';
import {
  AgentResultSchema,
  ApprovalDecisionSchema,
  ApprovalRequestSchema,
  BackgroundTicketSchema,
  ErrorInfoSchema,
  ToolExecutionRecordSchema,
  UsageAggregateSchema,
} from './records.js';

/**
 * The data of every run-event type: a closed union, validated when read back from a store.
 * The log is the single source of truth; state, streams, the devtools and evals read it.
 */
export const RunEventDataSchemas = {
  run_started: z.object({
    agentName: z.string(),
    agentPath: z.string(),
    parentRunId: z.string().optional(),
    rootRunId: z.string(),
    model: z.string(),
    /** Earlier turns of the thread, carried in once so the log is self-contained. */
    history: z.array(MessageSchema),
    /** Messages this run adds (the user's input, instructions). */
    input: z.array(MessageSchema),
    context: z.record(z.string(), JSONValueSchema),
  }),
  step_started: z.object({ step: z.number().int() }),
  policy_decision: z.object({
    event: z.enum(['llm_before_execute', 'tool_before_execute', 'subagent_before_execute']),
    action: z.enum(['allow', 'deny', 'request_approval', 'request_user_input']),
    ruleId: z.string().optional(),
    reason: z.string().optional(),
    toolName: z.string().optional(),
    toolCallId: z.string().optional(),
    mode: z.enum(['enforce', 'shadow']),
    error: z.string().optional(),
  }),
  llm_called: z.object({ model: z.string(), messageCount: z.number().int(), stream: z.boolean() }),
  llm_completed: z.object({
    response: LLMResponseSchema,
    requestedModel: z.string(),
    costUsd: z.number(),
    latencyMs: z.number(),
  }),
  llm_failed: z.object({ model: z.string(), error: ErrorInfoSchema, willFallback: z.boolean() }),
  tool_started: z.object({
    toolCallId: z.string(),
    toolName: z.string(),
    args: JSONValueSchema,
    effects: z.enum(['pure', 'idempotent', 'side_effect']),
    agentPath: z.string(),
    /** The tool's metadata (e.g. `{ source: 'mcp', server, mcpTool }` for an MCP tool). */
    metadata: z.record(z.string(), JSONValueSchema).optional(),
  }),
  tool_completed: z.object({
    toolCallId: z.string(),
    toolName: z.string(),
    /** What the model sees as the tool result. */
    content: z.string(),
    isError: z.boolean(),
    record: ToolExecutionRecordSchema,
    /** The call was not executed (denied, over a limit, invalid args); not a tool record. */
    skipped: z.boolean().optional(),
    errorCode: z.string().optional(),
  }),
  tool_deferred: z.object({
    toolCallId: z.string(),
    toolName: z.string(),
    ticket: BackgroundTicketSchema,
    /** The call's execution record, `pending: true` (absent in logs written before it existed). */
    record: ToolExecutionRecordSchema.optional(),
  }),
  tool_background_resolved: z.object({
    ticketId: z.string(),
    toolCallId: z.string(),
    toolName: z.string(),
    output: JSONValueSchema,
    content: z.string(),
  }),
  tool_background_failed: z.object({
    ticketId: z.string(),
    toolCallId: z.string(),
    toolName: z.string(),
    error: z.string(),
    content: z.string(),
  }),
  approval_requested: z.object({ approval: ApprovalRequestSchema }),
  approval_resolved: z.object({
    approvalId: z.string(),
    toolCallId: z.string(),
    decision: ApprovalDecisionSchema,
    status: z.enum(['approved', 'rejected', 'edited', 'responded', 'expired']),
    by: z.enum(['human', 'interaction_provider', 'fallback', 'timeout', 'policy']),
    /** When the human decided (the event itself is appended when the run's owner ingests it). */
    decidedAt: z.number().optional(),
  }),
  subagent_started: z.object({
    toolCallId: z.string(),
    subagentName: z.string(),
    childRunId: z.string(),
    task: z.string(),
  }),
  subagent_completed: z.object({
    toolCallId: z.string(),
    subagentName: z.string(),
    childRunId: z.string(),
    success: z.boolean(),
    outputText: z.string().optional(),
    error: z.string().optional(),
    latencyMs: z.number(),
    toolExecutions: z.array(ToolExecutionRecordSchema),
    usage: UsageAggregateSchema,
  }),
  /** A message the runtime adds to the transcript (e.g. a structured-output repair request). */
  message_added: z.object({ reason: z.string(), message: MessageSchema }),
  /**
   * A thread's memory was compacted (`Runner.compactThread` with a retention policy): this run
   * carries the compacted memory in `run_started.history`; `sourceRunId` is the run it came from.
   */
  thread_compacted: z.object({
    sourceRunId: z.string(),
    messagesBefore: z.number().int().nonnegative(),
    messagesAfter: z.number().int().nonnegative(),
    /** Messages older than the kept window: summarised (with `summaryModel`) or dropped. */
    messagesRemoved: z.number().int().nonnegative(),
    toolResultsDropped: z.number().int().nonnegative(),
    summaryModel: z.string().optional(),
    summary: z.string().optional(),
  }),
  limit_hit: z.object({ limit: z.string(), value: z.number(), max: z.number() }),
  warning: z.object({ code: z.string(), message: z.string() }),
  run_paused: z.object({
    reason: z.enum(['approval', 'background', 'side_effect_unknown', 'interrupt', 'subagent']),
    approvals: z.array(z.string()),
    tickets: z.array(z.string()),
  }),
  run_resumed: z.object({ reason: z.string(), pendingToolCalls: z.array(ToolCallSchema) }),
  run_completed: z.object({ result: AgentResultSchema }),
} as const;

export type RunEventType = keyof typeof RunEventDataSchemas;
export type RunEventData<T extends RunEventType> = z.infer<(typeof RunEventDataSchemas)[T]>;

/** One entry of a run's append-only log. `seq` is gap-free per run, starting at 0. */
export type RunEvent<T extends RunEventType = RunEventType> = {
  [K in T]: {
    runId: string;
    threadId: string;
    seq: number;
    ts: number;
    type: K;
    step?: number;
    data: RunEventData<K>;
  };
}[T];

export const RUN_EVENT_TYPES = Object.keys(RunEventDataSchemas) as RunEventType[];

const envelope = {
  runId: z.string().min(1),
  threadId: z.string().min(1),
  seq: z.number().int().nonnegative(),
  ts: z.number(),
  step: z.number().int().optional(),
};

export const RunEventSchema = z.discriminatedUnion(
  'type',
  RUN_EVENT_TYPES.map((type) =>
    z.object({ ...envelope, type: z.literal(type), data: RunEventDataSchemas[type] }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

/** Validates an unknown value as a run event (throws the zod error). */
export function parseRunEvent(value: unknown): RunEvent {
  return RunEventSchema.parse(value) as unknown as RunEvent;
}

/** Terminal states a run can end in. */
export const TERMINAL_EVENT: RunEventType = 'run_completed';
