import type { ToolCall } from '../../llms/types.js';
import { executeToolBody } from '../../tools/execute.js';
import type { AnyTool } from '../../tools/tool.js';
import { now } from '../limits.js';
import type { AnswerHost, ToolRunHost } from '../run-types.js';
import { deferCall } from './defer.js';
import { completeTool } from './sanitise.js';

/** Runs one tool body (hooks and middlewares included); returns false when it failed. */
export async function runTool(
  exec: ToolRunHost & AnswerHost,
  call: ToolCall,
  tool: AnyTool,
  args: unknown,
): Promise<boolean> {
  const span = exec.rt.telemetry?.startSpan('afk.tool', { tool: tool.name, toolCallId: call.id });
  const t0 = now();
  const out = await executeToolBody(tool, args, {
    signal: exec.signal,
    runnerMiddlewares: exec.rt.middlewares,
    context: {
      runId: exec.state.runId,
      threadId: exec.state.threadId,
      step: exec.state.step,
      toolCallId: call.id,
      agentName: exec.agent.name,
      agentPath: exec.agentPath,
      context: exec.state.context,
      metadata: {},
    },
  });
  const latencyMs = now() - t0;
  span?.end(out.ok ? { ok: true } : { ok: false, error: out.error.code });
  exec.rt.telemetry?.histogram('afk.tool.latency_ms', latencyMs, { tool: tool.name });
  if (!out.ok && out.aborted) return true;
  if (out.ok && out.deferred) {
    deferCall(exec, call, tool, out.deferred, { latencyMs, attempts: out.attempts });
    return true;
  }
  completeTool(exec, call, tool, out, latencyMs, false);
  return out.ok;
}

/** Runs tasks with at most `limit` in flight; each reports its own events as it finishes. */
export async function runBounded<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  if (items.length === 1) return fn(items[0]!);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(workers);
}
