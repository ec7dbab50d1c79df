import type { AgentResult } from 'afk/core';
import { AfkError } from 'afk/errors';
import type { AssertionContext, PageRun, ToolCallView } from 'afk/evals';
import { memoryJudgeCache } from 'afk/evals';
import type { AfkRun } from './types.js';

/** The root run's tool calls in start order, from its `tool_started` events (as afk/evals reads them). */
export function toolCallsOf(run: Pick<PageRun, 'events'>): ToolCallView[] {
  const calls: ToolCallView[] = [];
  for (const e of run.events) {
    if (e.type !== 'tool_started') continue;
    const d = e.data as {
      toolName: string;
      args: ToolCallView['args'];
      toolCallId: string;
      agentPath: string;
    };
    calls.push({ name: d.toolName, args: d.args, toolCallId: d.toolCallId, agentPath: d.agentPath });
  }
  return calls;
}

/** A page run with its tool calls and final text. */
export function toAfkRun(run: PageRun): AfkRun {
  return { ...run, toolCalls: toolCallsOf(run), finalText: run.result?.finalText ?? '' };
}

/** True for what `waitForRun` returns (a matcher's receiver check). */
export function isPageRun(value: unknown): value is PageRun {
  const v = value as Partial<PageRun> | null;
  return typeof v === 'object' && v !== null && typeof v.runId === 'string' && Array.isArray(v.events);
}

/**
 * The context afk/evals assertions read, over a waited run: the same tool trajectory and result
 * `runSuite` would give them. No judge model here (`llmJudge` belongs in `afk.evaluate`).
 */
export function assertionContext(run: PageRun, result: AgentResult): AssertionContext {
  const calls = toolCallsOf(run);
  return {
    case: { id: run.runId, input: '' },
    result,
    trial: 1,
    durationMs: 0,
    events: async () => run.events,
    toolCalls: async () => calls,
    judgeCache: memoryJudgeCache(),
    resolveModel: () =>
      Promise.reject(
        new AfkError('unsupported', 'judge models run inside the page: use afk.evaluate with llmJudge'),
      ),
    addUsage: () => undefined,
    signal: new AbortController().signal,
  };
}

/** One line per tool call: `1. add {"a":2,"b":3}` (agent path when not the root). */
export function describeCalls(calls: readonly ToolCallView[]): string {
  if (!calls.length) return '  (no tool calls)';
  return calls
    .map((c, i) => {
      const args = JSON.stringify(c.args);
      const where = c.agentPath?.includes('>') ? `  [${c.agentPath}]` : '';
      return `  ${i + 1}. ${c.name} ${args.length > 200 ? `${args.slice(0, 197)}...` : args}${where}`;
    })
    .join('\n');
}

/** `run run_1 (agent calculator, completed)`. */
export function describeRun(run: PageRun): string {
  const err = run.result?.error ? `: ${run.result.error.code}: ${run.result.error.message}` : '';
  return `run ${run.runId} (agent ${run.agentName}, ${run.status}${err})`;
}
