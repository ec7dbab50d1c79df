import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Agent } from '../agents/index.js';
import type { AgentResult, RunEventData, Runner } from '../core/index.js';
import { isAfkError } from '../errors/index.js';
import { scripted } from '../llms/index.js';
import { type AnyTool, executeToolBody } from '../tools/index.js';

/** What the gate decided about a pending call the client asks about again. */
interface PendingCall {
  runId: string;
  threadId: string;
  agent: Agent;
  callId: string;
}

const MAX_PENDING = 1000;

/** A tool output as MCP content: strings as text, objects also as `structuredContent`. */
export function toCallResult(output: unknown): CallToolResult {
  if (typeof output === 'string') return { content: [{ type: 'text', text: output }] };
  const text = output === undefined ? 'null' : (JSON.stringify(output) ?? 'null');
  const structured =
    typeof output === 'object' && output !== null && !Array.isArray(output)
      ? { structuredContent: output as Record<string, unknown> }
      : {};
  return { content: [{ type: 'text', text }], ...structured };
}

export function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** The "nothing ran yet" answer for a call waiting for a human decision. */
export function awaitingApproval(
  toolName: string,
  runId: string,
  threadId: string,
  approvalIds: string[],
): CallToolResult {
  return {
    content: [
      {
        type: 'text',
        text:
          `Awaiting approval: the call to '${toolName}' has NOT run. A human must decide approval ` +
          `${approvalIds.join(', ')} (run ${runId}); then call again with the same arguments to get the result.`,
      },
    ],
    structuredContent: { status: 'awaiting_approval', toolName, runId, threadId, approvalIds },
  };
}

function stableKey(name: string, args: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return `${name}\u0000${JSON.stringify(sort(args))}`;
}

/**
 * Runs MCP tool calls. Without a runner a call runs the tool body directly (hooks, timeout and
 * retry apply) and a tool that needs approval is refused, as a headless runner would. With a
 * runner each call is a one-call run on it, so the runner's policy, approvals, journal and
 * telemetry apply: in `external` mode a call needing approval returns "awaiting approval" and
 * the same call made again after the decision resumes that run.
 */
export class ToolCaller {
  private readonly pending = new Map<string, PendingCall>();

  constructor(
    private readonly serverName: string,
    private readonly runner: Runner | undefined,
  ) {}

  async call(tool: AnyTool, rawArgs: unknown, signal: AbortSignal): Promise<CallToolResult> {
    const parsed = tool.args.safeParse(rawArgs ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(args)'}: ${i.message}`);
      return errorResult(`Invalid arguments for '${tool.name}':\n${issues.join('\n')}`);
    }
    if (this.runner) return this.gated(this.runner, tool, parsed.data, signal);
    return this.direct(tool, parsed.data, signal);
  }

  private async direct(tool: AnyTool, args: unknown, signal: AbortSignal): Promise<CallToolResult> {
    const id = crypto.randomUUID();
    const context = {
      runId: `mcp_${id}`,
      threadId: `mcp_${id}`,
      step: 0,
      toolCallId: id,
      agentName: this.serverName,
      agentPath: this.serverName,
      context: {},
      metadata: {},
    };
    try {
      if (tool.needsApproval !== false) {
        const needs =
          typeof tool.needsApproval === 'function'
            ? await tool.needsApproval(args, { ...context, signal, attempt: 1, defer: noDefer })
            : tool.needsApproval;
        if (needs) {
          return errorResult(
            `Denied: '${tool.name}' needs approval and this MCP server has no runner to ask a human (give MCPServer a runner in 'external' or 'interactive' mode).`,
          );
        }
      }
    } catch (e) {
      return errorResult(`Denied: the approval check of '${tool.name}' failed: ${messageOf(e)}`);
    }
    const out = await executeToolBody(tool, args, { signal, context });
    if (!out.ok) return errorResult(out.error.message);
    if (out.deferred)
      return errorResult(`'${tool.name}' deferred its work; background tools are not served over MCP`);
    return toCallResult(out.output);
  }

  private async gated(
    runner: Runner,
    tool: AnyTool,
    args: unknown,
    signal: AbortSignal,
  ): Promise<CallToolResult> {
    const key = stableKey(tool.name, args);
    const waiting = this.pending.get(key);
    let result: AgentResult;
    let callId: string;
    if (waiting) {
      const open = await runner.listApprovals({ runId: waiting.runId, status: 'pending' });
      if (open.length > 0)
        return awaitingApproval(
          tool.name,
          waiting.runId,
          waiting.threadId,
          open.map((a) => a.id),
        );
      this.pending.delete(key);
      callId = waiting.callId;
      result = await runner.resume(waiting.agent, {
        runId: waiting.runId,
        threadId: waiting.threadId,
        signal,
      });
    } else {
      callId = `call_${crypto.randomUUID()}`;
      const agent = new Agent({
        name: safeAgentName(this.serverName),
        description: `MCP server ${this.serverName}: one call of '${tool.name}'`,
        model: scripted([{ toolCalls: [{ id: callId, name: tool.name, args }] }, { text: '' }], {
          keepRequests: false,
          model: 'mcp-call',
        }),
        tools: [tool],
        failSafe: { maxSteps: 3, maxToolCalls: 1 },
      });
      result = await runner.run(agent, { userMessage: `MCP tools/call ${tool.name}`, signal });
      if (result.state === 'interrupted' && (result.pending?.approvals.length ?? 0) > 0) {
        if (this.pending.size >= MAX_PENDING) {
          const oldest = this.pending.keys().next().value;
          if (oldest !== undefined) this.pending.delete(oldest);
        }
        this.pending.set(key, { runId: result.runId, threadId: result.threadId, agent, callId });
      }
    }
    if (result.state === 'interrupted') {
      const approvals = result.pending?.approvals ?? [];
      return awaitingApproval(
        tool.name,
        result.runId,
        result.threadId,
        approvals.map((a) => a.id),
      );
    }
    // The call's own completion: its output, or what the model would have been told (a denial,
    // a rejection with its reason, a failure).
    const events = await runner.events(result.runId);
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i]!;
      if (e.type !== 'tool_completed') continue;
      const d = e.data as RunEventData<'tool_completed'>;
      if (d.toolCallId !== callId) continue;
      if (d.isError) return errorResult(d.content);
      return toCallResult(d.record.output);
    }
    return errorResult(`'${tool.name}' did not run: ${result.error?.message ?? result.state}`);
  }
}

function noDefer(): never {
  throw new Error('defer is not available in an approval check');
}

function messageOf(e: unknown): string {
  if (isAfkError(e) || e instanceof Error) return e.message;
  return String(e);
}

function safeAgentName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 60);
  return cleaned.length > 0 ? cleaned : 'mcp_server';
}
