import type { ToolExecutionRecord } from '../../events/records.js';
import type { ToolCall } from '../../llms/types.js';
import type { RunLog } from '../run-types.js';

/** Answers a call without running it (unknown, invalid, denied, over a limit, rejected). */
export function skip(
  exec: RunLog & { readonly agent: { readonly name: string }; readonly agentPath: string },
  call: ToolCall,
  code: string,
  message: string,
): void {
  const record: ToolExecutionRecord = {
    toolName: call.name,
    toolCallId: call.id,
    success: false,
    error: message,
    latencyMs: 0,
    agentName: exec.agent.name,
    agentPath: exec.agentPath,
    replayed: false,
    attempts: 0,
  };
  exec.emit(
    'tool_completed',
    {
      toolCallId: call.id,
      toolName: call.name,
      content: message,
      isError: true,
      record,
      skipped: true,
      errorCode: code,
    },
    exec.state.step,
  );
}

export function asObject(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
