import type { z } from 'zod';
import type { Agent } from '../../agents/agent.js';
import type { ToolCall } from '../../llms/types.js';
import type { AnyTool } from '../../tools/tool.js';
import type { AnswerHost } from '../run-types.js';
import { SUBAGENT_ARGS } from '../subagents.js';
import { skip } from './skip.js';

/** What a call names: one of the agent's tools or one of its subagents. */
export type Target = { kind: 'tool'; tool: AnyTool } | { kind: 'subagent'; agent: Agent };

export function resolveTarget(agent: Agent, name: string): Target | undefined {
  const tool = agent.tools.find((t) => t.name === name);
  if (tool) return { kind: 'tool', tool };
  const sub = agent.subagents.find((s) => s.name === name);
  return sub ? { kind: 'subagent', agent: sub } : undefined;
}

/** A call naming nothing the agent has: answered with the names it does have. */
export function skipUnknown(exec: AnswerHost, call: ToolCall): void {
  const names = [...exec.agent.tools.map((t) => t.name), ...exec.agent.subagents.map((s) => s.name)];
  skip(
    exec,
    call,
    'tool_not_found',
    `Unknown tool '${call.name}'. Available tools: ${names.join(', ') || '(none)'}.`,
  );
}

export const INVALID = Symbol('invalid');

/** Parses args with the target's zod schema: the parsed args, or the answer for the model. */
export function parseArgs(
  call: ToolCall,
  target: Target,
  raw: unknown,
): { ok: true; args: unknown } | { ok: false; message: string } {
  const schema: z.ZodType = target.kind === 'tool' ? target.tool.args : SUBAGENT_ARGS;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, args: parsed.data };
  const issues = parsed.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(root)',
    message: i.message,
  }));
  return {
    ok: false,
    message: `Invalid arguments for '${call.name}': ${JSON.stringify(issues)}. Fix the arguments and call again.`,
  };
}

/** Answers a call whose args failed the schema (never run). */
export function skipInvalid(exec: AnswerHost, call: ToolCall, message: string): void {
  skip(exec, call, 'tool_invalid_args', message);
}

/** Validates args with the tool's zod schema; invalid args are answered to the model, never run. */
export function validate(
  exec: AnswerHost,
  call: ToolCall,
  target: Target,
  raw: unknown,
): unknown | typeof INVALID {
  const parsed = parseArgs(call, target, raw);
  if (parsed.ok) return parsed.args;
  skipInvalid(exec, call, parsed.message);
  return INVALID;
}
