import type { AfkError } from '../../errors/index.js';
import type { ToolExecutionRecord } from '../../events/records.js';
import { toJSONValue } from '../../internal/json.js';
import type { ToolCall } from '../../llms/types.js';
import { sanitizeToolOutput } from '../../tools/execute.js';
import type { AnyTool } from '../../tools/tool.js';
import type { AnswerHost } from '../run-types.js';

/** The last stage: a tool's outcome, sanitised and truncated for the model, as `tool_completed`. */
export function completeTool(
  exec: AnswerHost,
  call: ToolCall,
  tool: AnyTool,
  out: { ok: true; output: unknown; attempts: number } | { ok: false; error: AfkError; attempts: number },
  latencyMs: number,
  replayed: boolean,
): void {
  const cfg = exec.rt.config;
  const record: ToolExecutionRecord = {
    toolName: tool.name,
    toolCallId: call.id,
    success: out.ok,
    ...(out.ok ? { output: toJSONValue(out.output) } : { error: out.error.message }),
    latencyMs,
    agentName: exec.agent.name,
    agentPath: exec.agentPath,
    replayed,
    attempts: out.attempts,
  };
  const content = out.ok
    ? sanitizeToolOutput(out.output, { sanitize: cfg.sanitizeToolOutput, maxChars: cfg.toolOutputMaxChars })
    : `Error (${out.error.code}): ${out.error.message}`;
  exec.emit(
    'tool_completed',
    {
      toolCallId: call.id,
      toolName: tool.name,
      content,
      isError: !out.ok,
      record,
      ...(out.ok ? {} : { errorCode: out.error.code }),
    },
    exec.state.step,
  );
}
