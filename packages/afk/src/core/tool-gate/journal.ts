import { newId } from '../../internal/ids.js';
import { toJSONValue } from '../../internal/json.js';
import { redact } from '../../internal/redact.js';
import type { ToolCall } from '../../llms/types.js';
import type { AnyTool } from '../../tools/tool.js';
import type { AnswerHost } from '../run-types.js';

/** The durable `tool_started` journal entry (args logged redacted; resume re-reads the call's own args). */
export function journalStart(exec: AnswerHost, call: ToolCall, tool: AnyTool, args: unknown): void {
  exec.emit(
    'tool_started',
    {
      toolCallId: call.id,
      toolName: call.name,
      args: redact(toJSONValue(args), exec.rt.config.redactKeys),
      effects: tool.effects,
      agentPath: exec.agentPath,
      // Where the tool comes from (an MCP tool names its server), for the timeline and exports.
      ...(tool.metadata && Object.keys(tool.metadata).length ? { metadata: { ...tool.metadata } } : {}),
    },
    exec.state.step,
  );
}

/** A subagent call's journal entry: `subagent_started` with the child's run id (once per call). */
export function journalSubagent(exec: AnswerHost, call: ToolCall, task: string): void {
  if (exec.state.subagentRuns[call.id]) return;
  exec.emit(
    'subagent_started',
    { toolCallId: call.id, subagentName: call.name, childRunId: newId('run'), task },
    exec.state.step,
  );
}
