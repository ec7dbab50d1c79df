import type { ToolExecutionRecord } from '../../events/records.js';
import { newId } from '../../internal/ids.js';
import type { ToolCall } from '../../llms/types.js';
import type { AnyTool } from '../../tools/tool.js';
import { settleInProcess } from '../background.js';
import type { TicketHost } from '../run-types.js';

/**
 * A tool body deferred its result: a background ticket (`tool_deferred`). In-process work settles
 * it into `settledTickets` and the store, and wakes waiting executions.
 */
export function deferCall(
  exec: TicketHost,
  call: ToolCall,
  tool: AnyTool,
  opts: { summary: string; resumeHint?: string; work?: Promise<unknown>; ttlMs?: number },
  body: { latencyMs: number; attempts: number },
): void {
  const now = Date.now();
  const ticket = {
    ticketId: newId('tkt'),
    runId: exec.state.runId,
    threadId: exec.state.threadId,
    toolName: tool.name,
    toolCallId: call.id,
    status: 'pending' as const,
    summary: opts.summary,
    ...(opts.resumeHint === undefined ? {} : { resumeHint: opts.resumeHint }),
    createdAt: now,
    expiresAt: now + (opts.ttlMs ?? 24 * 3600_000),
  };
  const record: ToolExecutionRecord = {
    toolName: tool.name,
    toolCallId: call.id,
    success: false,
    pending: true,
    latencyMs: body.latencyMs,
    agentName: exec.agent.name,
    agentPath: exec.agentPath,
    replayed: false,
    attempts: body.attempts,
  };
  exec.emit('tool_deferred', { toolCallId: call.id, toolName: tool.name, ticket, record }, exec.state.step);
  exec.queueTicket(ticket);
  if (opts.work) settleInProcess(exec.rt, ticket, opts.work);
}
