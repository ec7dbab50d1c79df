import { z } from 'zod';
import type { JSONValue } from '../internal/json.js';
import { JSONValueSchema } from '../internal/json.js';

/** Terminal and non-terminal run states. */
export type RunState = 'completed' | 'failed' | 'degraded' | 'cancelled' | 'interrupted';
export type RunStatus = 'running' | 'paused' | RunState;
export const RunStateSchema = z.enum(['completed', 'failed', 'degraded', 'cancelled', 'interrupted']);
export const RunStatusSchema = z.enum([
  'running',
  'paused',
  'completed',
  'failed',
  'degraded',
  'cancelled',
  'interrupted',
]);

export const ErrorInfoSchema = z.object({ code: z.string(), message: z.string() });
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;

/** One tool call as it happened. `agentPath` is 'parent>child' for calls made inside subagents. */
/**
 * One tool call's execution, as `AgentResult.toolExecutions` lists it. A deferred call
 * (`ctx.defer`) is listed from the moment it defers, with `pending: true` and `success: false`
 * while its ticket is open; once the ticket settles (or fails, or expires) the same record carries
 * the final `output` or `error`, `success`, and `latencyMs` up to the settlement, without
 * `pending`.
 */
export interface ToolExecutionRecord {
  toolName: string;
  toolCallId: string;
  success: boolean;
  /** True while the call's background ticket is open (see above); absent otherwise. */
  pending?: true;
  output?: JSONValue;
  error?: string;
  latencyMs: number;
  agentName: string;
  agentPath: string;
  replayed: boolean;
  attempts: number;
}
export const ToolExecutionRecordSchema = z.object({
  toolName: z.string(),
  toolCallId: z.string(),
  success: z.boolean(),
  pending: z.literal(true).optional(),
  output: JSONValueSchema.optional(),
  error: z.string().optional(),
  latencyMs: z.number(),
  agentName: z.string(),
  agentPath: z.string(),
  replayed: z.boolean(),
  attempts: z.number(),
});

export interface SubagentExecutionRecord {
  subagentName: string;
  success: boolean;
  outputText?: string;
  error?: string;
  latencyMs: number;
  runId: string;
}
export const SubagentExecutionRecordSchema = z.object({
  subagentName: z.string(),
  success: z.boolean(),
  outputText: z.string().optional(),
  error: z.string().optional(),
  latencyMs: z.number(),
  runId: z.string(),
});

/** Token and cost totals of a run (subagents included). */
export interface UsageAggregate {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
}
export const UsageAggregateSchema = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  totalTokens: z.number(),
  costUsd: z.number(),
});

export type ApprovalDecision =
  | { kind: 'approve'; scope?: 'once' | 'always_for_tool' }
  | { kind: 'reject'; reason?: string }
  | { kind: 'edit'; args: JSONValue }
  | { kind: 'respond'; value: JSONValue };
export const ApprovalDecisionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('approve'), scope: z.enum(['once', 'always_for_tool']).optional() }),
  z.object({ kind: z.literal('reject'), reason: z.string().optional() }),
  z.object({ kind: z.literal('edit'), args: JSONValueSchema }),
  z.object({ kind: z.literal('respond'), value: JSONValueSchema }),
]);

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'edited' | 'responded' | 'expired';

/**
 * A durable request for a human decision on one tool call. Bound to the call id and a hash of its
 * args: a decision for other args is refused as stale.
 */
export interface ApprovalRequest {
  id: string;
  runId: string;
  threadId: string;
  /** The root run this approval surfaces on (itself for top-level runs). */
  rootRunId: string;
  agentPath: string;
  toolCallId: string;
  toolName: string;
  args: JSONValue;
  argsHash: string;
  /**
   * The JSON Schema the call's args must fit (the tool's `parameters`): `edit` args are checked
   * against it when decided (`validateApprovalEdit`). Absent on approvals written before it existed.
   */
  argsSchema?: { [key: string]: JSONValue };
  /** What the tool (or subagent) says it does, for the human deciding. Absent on older approvals. */
  toolDescription?: string;
  kind: 'approval' | 'user_input';
  reason?: string;
  ruleId?: string;
  /**
   * The argument a `respond` value lands at (the rule's `updatedArgs` key), when one is named:
   * under a redacted key the value is stored as `[redacted]`. Absent otherwise.
   */
  responseKey?: string;
  allowedDecisions: Array<ApprovalDecision['kind']>;
  status: ApprovalStatus;
  decision?: ApprovalDecision;
  createdAt: number;
  decidedAt?: number;
}
export const ApprovalRequestSchema = z.object({
  id: z.string(),
  runId: z.string(),
  threadId: z.string(),
  rootRunId: z.string(),
  agentPath: z.string(),
  toolCallId: z.string(),
  toolName: z.string(),
  args: JSONValueSchema,
  argsHash: z.string(),
  argsSchema: z.record(z.string(), JSONValueSchema).optional(),
  toolDescription: z.string().optional(),
  kind: z.enum(['approval', 'user_input']),
  reason: z.string().optional(),
  ruleId: z.string().optional(),
  responseKey: z.string().optional(),
  allowedDecisions: z.array(z.enum(['approve', 'reject', 'edit', 'respond'])),
  status: z.enum(['pending', 'approved', 'rejected', 'edited', 'responded', 'expired']),
  decision: ApprovalDecisionSchema.optional(),
  createdAt: z.number(),
  decidedAt: z.number().optional(),
});

/** A deferred tool call's ticket (see `ctx.defer`). */
export interface BackgroundTicket {
  ticketId: string;
  runId: string;
  threadId: string;
  toolName: string;
  toolCallId: string;
  status: 'pending' | 'completed' | 'failed' | 'expired';
  summary: string;
  resumeHint?: string;
  output?: JSONValue;
  error?: string;
  createdAt: number;
  expiresAt: number;
  /** True once the run has folded the resolution into its transcript. */
  ingested?: boolean;
}
export const BackgroundTicketSchema = z.object({
  ticketId: z.string(),
  runId: z.string(),
  threadId: z.string(),
  toolName: z.string(),
  toolCallId: z.string(),
  status: z.enum(['pending', 'completed', 'failed', 'expired']),
  summary: z.string(),
  resumeHint: z.string().optional(),
  output: JSONValueSchema.optional(),
  error: z.string().optional(),
  createdAt: z.number(),
  expiresAt: z.number(),
  ingested: z.boolean().optional(),
});

/** What a run returns. Never thrown: a failed run resolves with `state: 'failed'`. */
export interface AgentResult {
  finalText: string;
  finalStructured?: unknown;
  state: RunState;
  runId: string;
  threadId: string;
  toolExecutions: ToolExecutionRecord[];
  subagentExecutions: SubagentExecutionRecord[];
  usage: UsageAggregate;
  stateSnapshot: Record<string, JSONValue>;
  error?: ErrorInfo;
  pending?: { approvals: ApprovalRequest[]; tickets: BackgroundTicket[] };
}
export const AgentResultSchema = z.object({
  finalText: z.string(),
  finalStructured: z.unknown().optional(),
  state: RunStateSchema,
  runId: z.string(),
  threadId: z.string(),
  toolExecutions: z.array(ToolExecutionRecordSchema),
  subagentExecutions: z.array(SubagentExecutionRecordSchema),
  usage: UsageAggregateSchema,
  stateSnapshot: z.record(z.string(), JSONValueSchema),
  error: ErrorInfoSchema.optional(),
  pending: z
    .object({ approvals: z.array(ApprovalRequestSchema), tickets: z.array(BackgroundTicketSchema) })
    .optional(),
});
