import { z } from 'zod';
import type { Agent } from '../agents/agent.js';
import type { AgentResult } from '../events/records.js';
import type { JSONValue } from '../internal/json.js';
import type { ToolCall } from '../llms/types.js';
import { emptyUsage } from './fold.js';
import { loadRunState } from './load.js';
import type { SubagentHost } from './run-types.js';

/** Subagents take one argument: the task, which becomes the child's user message. */
export const SUBAGENT_ARGS = z.object({
  task: z.string().min(1).describe('The task for the subagent, as a complete instruction.'),
});
/** `SUBAGENT_ARGS` as the JSON schema offered to the model. */
export const SUBAGENT_PARAMETERS: Record<string, JSONValue> = {
  type: 'object',
  properties: {
    task: { type: 'string', description: 'The task for the subagent, as a complete instruction.' },
  },
  required: ['task'],
  additionalProperties: false,
};

/**
 * Runs a subagent as a tool call: the task is the child's user message, the child's answer is the
 * tool result, its records join the parent's with `agentPath 'parent>child'`. Depth and cycles are
 * refused. A child that pauses for a human pauses the parent; its approvals surface on the root.
 * Returns false when the child failed, undefined when it paused. The child execution is created
 * by the host (`spawnChild`), so this module does not depend on the execution.
 */
export async function runSubagent(
  exec: SubagentHost,
  call: ToolCall,
  child: Agent,
  task: string,
): Promise<boolean | undefined> {
  const fs = exec.agent.failSafe;
  const ancestors = [...(exec.init.parent?.ancestors ?? []), exec.agent.name];
  const t0 = Date.now();
  const childRunId = exec.state.subagentRuns[call.id]!;
  const fail = (code: string, message: string): false => {
    exec.emit(
      'subagent_completed',
      {
        toolCallId: call.id,
        subagentName: child.name,
        childRunId,
        success: false,
        error: message,
        latencyMs: Date.now() - t0,
        toolExecutions: [],
        usage: emptyUsage(),
      },
      exec.state.step,
    );
    exec.emit(
      'tool_completed',
      toolResult(exec, call, `Error (${code}): ${message}`, true, code),
      exec.state.step,
    );
    return false;
  };
  if (ancestors.includes(child.name)) {
    return fail('subagent_cycle', `subagent cycle refused: ${[...ancestors, child.name].join(' > ')}`);
  }
  if (exec.depth + 1 > fs.maxSubagentDepth) {
    return fail(
      'subagent_depth',
      `subagent depth ${exec.depth + 1} exceeds maxSubagentDepth ${fs.maxSubagentDepth}`,
    );
  }

  const context: Record<string, JSONValue> = { ...child.contextDefaults };
  for (const key of child.inheritContextKeys)
    if (key in exec.state.context) context[key] = exec.state.context[key]!;

  const parent = {
    runId: exec.state.runId,
    rootRunId: exec.rootRunId,
    agentPath: exec.agentPath,
    depth: exec.depth,
    ancestors,
  };
  const prior = await loadRunState(exec.rt.store, childRunId);
  let result: AgentResult;
  if (prior?.result && prior.status !== 'interrupted') {
    result = prior.result;
  } else {
    const childExec = exec.spawnChild({
      agent: child,
      runId: childRunId,
      threadId: exec.state.threadId,
      context,
      parent,
      signal: exec.signal,
      streaming: exec.init.streaming,
      relayOnly: true,
      ...(exec.init.hub ? { hub: exec.init.hub } : {}),
      ...(prior
        ? { resumeState: prior, resumeReason: 'parent_resumed' }
        : { input: [{ role: 'user' as const, content: task }] }),
    });
    exec.children.add(childExec);
    try {
      result = await childExec.execute();
    } finally {
      exec.children.delete(childExec);
    }
  }
  const latencyMs = Date.now() - t0;
  if (result.state === 'interrupted') {
    // The child waits for a human: so does the parent (approvals surface on the root run).
    exec.awaiting.push(...(result.pending?.approvals ?? []));
    exec.blockedOnChild = true;
    return undefined;
  }
  const success = result.state === 'completed' || result.state === 'degraded';
  exec.emit(
    'subagent_completed',
    {
      toolCallId: call.id,
      subagentName: child.name,
      childRunId,
      success,
      ...(success ? { outputText: result.finalText } : { error: result.error?.message ?? result.state }),
      latencyMs,
      toolExecutions: result.toolExecutions,
      usage: result.usage,
    },
    exec.state.step,
  );
  const content = success
    ? result.finalText
    : `Error (${result.error?.code ?? 'subagent_error'}): subagent '${child.name}' ended ${result.state}: ${result.error?.message ?? ''}`;
  exec.emit(
    'tool_completed',
    toolResult(exec, call, content, !success, success ? undefined : (result.error?.code ?? 'subagent_error')),
    exec.state.step,
  );
  return success;
}

function toolResult(
  exec: SubagentHost,
  call: ToolCall,
  content: string,
  isError: boolean,
  code: string | undefined,
) {
  return {
    toolCallId: call.id,
    toolName: call.name,
    content,
    isError,
    // Subagent calls are reported in subagentExecutions, not as tool records.
    skipped: true,
    ...(code ? { errorCode: code } : {}),
    record: {
      toolName: call.name,
      toolCallId: call.id,
      success: !isError,
      latencyMs: 0,
      agentName: exec.agent.name,
      agentPath: exec.agentPath,
      replayed: false,
      attempts: 1,
    },
  };
}
