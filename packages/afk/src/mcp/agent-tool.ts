import type {
  CallToolResult,
  Tool as MCPToolSpec,
  ServerNotification,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Agent } from '../agents/index.js';
import type { AgentStreamEvent, AgentStreamHandle, Runner } from '../core/index.js';
import { awaitingApproval, errorResult } from './tool-call.js';

/** Arguments of the tool that runs an agent. */
const AgentToolArgs = z
  .object({
    message: z.string().min(1).optional(),
    threadId: z.string().min(1).optional(),
    runId: z.string().min(1).optional(),
  })
  .strict()
  .refine((a) => a.message !== undefined || (a.runId !== undefined && a.threadId !== undefined), {
    message: 'give a message, or runId and threadId to continue a paused run',
  });

/** The tools/list entry of the agent tool. */
export function agentToolSpec(agent: Agent): MCPToolSpec {
  return {
    name: agent.name,
    description:
      agent.description ??
      `Runs the AFK agent '${agent.name}' on a message and returns its answer. Pass threadId to continue a conversation, or runId + threadId to continue a run that was awaiting approval.`,
    inputSchema: {
      type: 'object',
      properties: {
        message: { type: 'string', description: 'The task or question for the agent.' },
        threadId: { type: 'string', description: 'Continue this conversation thread.' },
        runId: { type: 'string', description: 'Continue this paused run (with its threadId).' },
      },
      additionalProperties: false,
    },
  };
}

/** What the agent tool needs from the MCP request it serves. */
export interface AgentCallExtra {
  signal: AbortSignal;
  progressToken: string | number | undefined;
  sendNotification: (n: ServerNotification) => Promise<void>;
}

function describe(ev: AgentStreamEvent): string | undefined {
  switch (ev.type) {
    case 'step_started':
      return `step ${ev.step ?? ''}`.trim();
    case 'tool_started':
      return `calling ${ev.toolName}`;
    case 'tool_completed':
      return `${ev.toolName} ${ev.toolSuccess ? 'done' : 'failed'}`;
    case 'subagent_started':
      return `delegating (${ev.agentPath ?? ''})`;
    case 'approval_requested':
      return `awaiting approval for ${ev.approval?.toolName ?? 'a call'}`;
    default:
      return undefined;
  }
}

/**
 * Runs the agent for one MCP call, streaming: every step, tool call and approval request is a
 * progress notification (when the client sent a progress token). A cancelled request cancels
 * the run. A run paused for approval answers "awaiting approval" with its run and thread ids.
 */
export async function callAgent(
  runner: Runner,
  agent: Agent,
  rawArgs: unknown,
  extra: AgentCallExtra,
): Promise<CallToolResult> {
  const parsed = AgentToolArgs.safeParse(rawArgs ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(args)'}: ${i.message}`);
    return errorResult(`Invalid arguments for '${agent.name}':\n${issues.join('\n')}`);
  }
  const a = parsed.data;
  let handle: AgentStreamHandle;
  if (a.runId !== undefined && a.threadId !== undefined && a.message === undefined) {
    const open = await runner.listApprovals({ runId: a.runId, status: 'pending' });
    if (open.length > 0)
      return awaitingApproval(
        agent.name,
        a.runId,
        a.threadId,
        open.map((x) => x.id),
      );
    handle = runner.resumeStream(agent, { runId: a.runId, threadId: a.threadId, signal: extra.signal });
  } else {
    handle = runner.runStream(agent, {
      userMessage: a.message ?? '',
      ...(a.threadId ? { threadId: a.threadId } : {}),
      signal: extra.signal,
    });
  }
  let progress = 0;
  for await (const ev of handle) {
    if (extra.progressToken === undefined) continue;
    const message = describe(ev);
    if (message === undefined) continue;
    progress++;
    await extra
      .sendNotification({
        method: 'notifications/progress',
        params: { progressToken: extra.progressToken, progress, message },
      })
      .catch(() => undefined);
  }
  const result = await handle.result;
  const ids = { runId: result.runId, threadId: result.threadId, state: result.state };
  if (result.state === 'interrupted') {
    return awaitingApproval(
      agent.name,
      result.runId,
      result.threadId,
      (result.pending?.approvals ?? []).map((x) => x.id),
    );
  }
  if (result.state === 'failed' || result.state === 'cancelled') {
    return {
      ...errorResult(`Agent '${agent.name}' ${result.state}: ${result.error?.message ?? ''}`.trim()),
      structuredContent: { ...ids, error: result.error?.message ?? result.state },
    };
  }
  return {
    content: [{ type: 'text', text: result.finalText }],
    structuredContent: {
      ...ids,
      finalText: result.finalText,
      ...(result.finalStructured === undefined ? {} : { finalStructured: result.finalStructured }),
    },
  };
}
