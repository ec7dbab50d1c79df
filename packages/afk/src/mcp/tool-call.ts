import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Agent } from '../agents/index.js';
import type { AgentResult, RunEventData, Runner } from '../core/index.js';
import { isAfkError } from '../errors/index.js';
import { scripted } from '../llms/index.js';
import { type AnyTool, executeToolBody } from '../tools/index.js';
import {
  awaitWork,
  type CallExtra,
  CallProgress,
  driveCall,
  type MCPBackgroundOptions,
  stillRunning,
  ticketsSettled,
} from './background-call.js';

/** A call paused on a human decision or on background work, that the client may ask about again. */
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
 * the same call made again (by the same caller) after the decision resumes that run. A call that
 * defers (a background tool) stays open until its ticket settles, bounded by `background`.
 */
export class ToolCaller {
  private readonly pending = new Map<string, PendingCall>();

  constructor(
    private readonly serverName: string,
    private readonly runner: Runner | undefined,
    private readonly background: Required<MCPBackgroundOptions>,
  ) {}

  async call(tool: AnyTool, rawArgs: unknown, extra: CallExtra): Promise<CallToolResult> {
    const parsed = tool.args.safeParse(rawArgs ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(args)'}: ${i.message}`);
      return errorResult(`Invalid arguments for '${tool.name}':\n${issues.join('\n')}`);
    }
    if (this.runner) return this.gated(this.runner, tool, parsed.data, extra);
    return this.direct(tool, parsed.data, extra);
  }

  private async direct(tool: AnyTool, args: unknown, extra: CallExtra): Promise<CallToolResult> {
    const { signal } = extra;
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
    if (!out.deferred) return toCallResult(out.output);
    const { work, summary } = out.deferred;
    if (!work) {
      return errorResult(
        `'${tool.name}' deferred its work to an external worker (${summary}); an MCPServer without a runner has no ticket to wait for: give it a runner so runner.resolveBackgroundTool can settle the call.`,
      );
    }
    const progress = new CallProgress(extra);
    progress.send(`'${tool.name}' is working in the background: ${summary}`);
    const stop = progress.heartbeat(
      this.background.progressIntervalMs,
      (ms) => `'${tool.name}' still working (${Math.round(ms / 1000)} s)`,
    );
    try {
      const outcome = await awaitWork(work, this.background.timeoutMs, signal);
      if (outcome.kind === 'ok') return toCallResult(outcome.output);
      if (outcome.kind === 'failed')
        return errorResult(`'${tool.name}' failed in the background: ${outcome.error}`);
      if (outcome.kind === 'aborted') return errorResult(`'${tool.name}': the call was cancelled`);
      return stillRunning(tool.name, this.background.timeoutMs);
    } finally {
      stop();
    }
  }

  private async gated(
    runner: Runner,
    tool: AnyTool,
    args: unknown,
    extra: CallExtra,
  ): Promise<CallToolResult> {
    const { signal } = extra;
    const { timeoutMs, progressIntervalMs } = this.background;
    const deadline = Date.now() + timeoutMs;
    const progress = new CallProgress(extra);
    const key = `${extra.caller}\u0000${stableKey(tool.name, args)}`;
    let call = this.pending.get(key);
    let driven: Awaited<ReturnType<typeof driveCall>>;
    if (call) {
      const open = await runner.listApprovals({ runId: call.runId, status: 'pending' });
      if (open.length > 0)
        return awaitingApproval(
          tool.name,
          call.runId,
          call.threadId,
          open.map((a) => a.id),
        );
      const ids = { runId: call.runId, threadId: call.threadId };
      if (!(await ticketsSettled(runner, ids, deadline, signal, progress, progressIntervalMs, tool.name)))
        return stillRunning(tool.name, timeoutMs, { ...ids, ticketIds: await this.openTickets(runner, ids) });
      this.pending.delete(key);
      driven = await driveCall(
        runner.resumeStream(call.agent, { ...ids, signal }),
        call.callId,
        tool.name,
        deadline,
        progress,
        progressIntervalMs,
      );
    } else {
      const callId = `call_${crypto.randomUUID()}`;
      const agent = new Agent({
        name: safeAgentName(this.serverName),
        description: `MCP server ${this.serverName}: one call of '${tool.name}'`,
        // One call, then an empty answer (again after a background result is folded in).
        model: scripted([{ toolCalls: [{ id: callId, name: tool.name, args }] }, { text: '' }], {
          keepRequests: false,
          model: 'mcp-call',
          onExhausted: 'repeat_last',
        }),
        tools: [tool],
        failSafe: { maxSteps: 4, maxToolCalls: 1 },
      });
      call = { runId: '', threadId: '', agent, callId };
      const handle = runner.runStream(agent, { userMessage: `MCP tools/call ${tool.name}`, signal });
      driven = await driveCall(handle, callId, tool.name, deadline, progress, progressIntervalMs);
    }
    // Paused for background work the deadline did not let us see through: wait for it, resume.
    for (;;) {
      const { result } = driven;
      call = { ...call, runId: result.runId, threadId: result.threadId };
      if (result.state !== 'interrupted') break;
      this.remember(key, call);
      const approvals = result.pending?.approvals ?? [];
      if (approvals.length > 0)
        return awaitingApproval(
          tool.name,
          result.runId,
          result.threadId,
          approvals.map((a) => a.id),
        );
      const ids = { runId: result.runId, threadId: result.threadId };
      if (!(await ticketsSettled(runner, ids, deadline, signal, progress, progressIntervalMs, tool.name)))
        return stillRunning(tool.name, timeoutMs, { ...ids, ticketIds: await this.openTickets(runner, ids) });
      this.pending.delete(key);
      driven = await driveCall(
        runner.resumeStream(call.agent, { ...ids, signal }),
        call.callId,
        tool.name,
        deadline,
        progress,
        progressIntervalMs,
      );
    }
    if (driven.outcome)
      return driven.outcome.ok
        ? toCallResult(driven.outcome.output)
        : errorResult(`'${tool.name}' failed in the background: ${driven.outcome.error}`);
    return this.outcomeFromLog(runner, driven.result, call.callId, tool.name);
  }

  /**
   * The call's own completion, from the run's log: a background result, its output, or what the
   * model would have been told (a denial, a rejection with its reason, a failure).
   */
  private async outcomeFromLog(
    runner: Runner,
    result: AgentResult,
    callId: string,
    toolName: string,
  ): Promise<CallToolResult> {
    const events = await runner.events(result.runId);
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i]!;
      if (e.type === 'tool_background_resolved' || e.type === 'tool_background_failed') {
        const d = e.data as RunEventData<'tool_background_resolved'> | RunEventData<'tool_background_failed'>;
        if (d.toolCallId !== callId) continue;
        return 'output' in d
          ? toCallResult(d.output)
          : errorResult(`'${toolName}' failed in the background: ${d.error}`);
      }
      if (e.type !== 'tool_completed') continue;
      const d = e.data as RunEventData<'tool_completed'>;
      if (d.toolCallId !== callId) continue;
      if (d.isError) return errorResult(d.content);
      return toCallResult(d.record.output);
    }
    return errorResult(`'${toolName}' did not run: ${result.error?.message ?? result.state}`);
  }

  private async openTickets(runner: Runner, ids: { runId: string; threadId: string }): Promise<string[]> {
    return (await runner.listBackgroundTools(ids)).map((t) => t.ticketId);
  }

  private remember(key: string, call: PendingCall): void {
    if (!this.pending.has(key) && this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
    this.pending.set(key, call);
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
