import { z } from 'zod';
import {
  AgentResultSchema,
  ApprovalDecisionSchema,
  RunStatusSchema,
  SubagentExecutionRecordSchema,
  ToolExecutionRecordSchema,
  UsageAggregateSchema,
} from '../events/records.js';
import { JSONValueSchema } from '../internal/json.js';
import { MessageSchema, ToolCallSchema } from '../llms/types.js';

const JournalEntrySchema = z.object({
  toolName: z.string(),
  status: z.enum(['started', 'completed', 'deferred']),
  effects: z.enum(['pure', 'idempotent', 'side_effect']),
  args: JSONValueSchema,
});

/**
 * The full shape of `RunFoldState` (see `fold.ts`), as stored in a snapshot. A snapshot read
 * back is validated against it before resume folds on top of it: a malformed state (a message
 * that is a number, a journal entry without status, ...) is `checkpoint_corrupt`, never a
 * confusing failure later when the resumed run writes its first events. Unknown keys are
 * allowed (a newer build of the same snapshot version may add optional fields).
 *
 * @example
 * RunFoldStateSchema.safeParse(snapshot.state).success
 */
export const RunFoldStateSchema = z.looseObject({
  runId: z.string().min(1),
  threadId: z.string().min(1),
  agentName: z.string(),
  agentPath: z.string(),
  parentRunId: z.string().optional(),
  forkedFrom: z.object({ runId: z.string(), seq: z.number().int() }).optional(),
  rootRunId: z.string(),
  requestedModel: z.string(),
  usedModel: z.string().optional(),
  status: RunStatusSchema,
  lastSeq: z.number().int().nonnegative(),
  startedAt: z.number(),
  activeMs: z.number(),
  segmentStart: z.number(),
  messages: z.array(MessageSchema),
  step: z.number().int().nonnegative(),
  stepOpen: z.boolean().optional(),
  llmCalls: z.number().int().nonnegative(),
  toolCalls: z.number().int().nonnegative(),
  usage: UsageAggregateSchema,
  toolExecutions: z.array(ToolExecutionRecordSchema),
  subagentExecutions: z.array(SubagentExecutionRecordSchema),
  journal: z.record(z.string(), JournalEntrySchema),
  pendingToolCalls: z.array(ToolCallSchema),
  approvals: z.record(
    z.string(),
    z.object({
      approvalId: z.string(),
      toolName: z.string(),
      status: z.string(),
      decision: ApprovalDecisionSchema.optional(),
    }),
  ),
  alwaysApprovedTools: z.array(z.string()),
  tickets: z.record(
    z.string(),
    z.object({
      toolCallId: z.string(),
      toolName: z.string(),
      status: z.enum(['pending', 'completed', 'failed', 'expired']),
      deferredAt: z.number().optional(),
    }),
  ),
  subagentRuns: z.record(z.string(), z.string()),
  finalText: z.string(),
  finalStructured: z.unknown().optional(),
  limitsHit: z.array(z.string()),
  context: z.record(z.string(), JSONValueSchema),
  result: AgentResultSchema.optional(),
});
