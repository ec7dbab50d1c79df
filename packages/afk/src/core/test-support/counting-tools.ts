import { z } from 'zod';
import type { ApprovalRequest } from '../../events/records.js';
import type { JSONValue } from '../../internal/json.js';
import { tool } from '../../tools/tool.js';

/** Tools that count their executions in a Map keyed by name and args. */
export function countingTools(counts: Map<string, number>) {
  const bump = (name: string, args: unknown) => {
    const key = `${name}:${JSON.stringify(args)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  const sideEffect = (
    name: string,
    args: z.ZodObject,
    out: (a: Record<string, unknown>) => string,
    extra: { needsApproval?: boolean } = {},
  ) =>
    tool({
      name,
      description: name,
      args,
      effects: 'side_effect',
      ...extra,
      run: async (a: Record<string, unknown>) => {
        bump(name, a);
        return out(a);
      },
    });
  const pure = (name: string, args: z.ZodObject, out: (a: Record<string, unknown>) => unknown) =>
    tool({
      name,
      description: name,
      args,
      effects: 'pure',
      run: async (a: Record<string, unknown>) => {
        bump(name, a);
        return out(a);
      },
    });
  return {
    send: sideEffect('send_email', z.object({ to: z.string() }), (a) => `sent:${String(a.to)}`),
    charge: sideEffect('charge', z.object({ amount: z.number() }), (a) => `charged:${String(a.amount)}`),
    write: sideEffect('write_file', z.object({ path: z.string() }), (a) => `wrote:${String(a.path)}`),
    add: pure('add', z.object({ a: z.number(), b: z.number() }), (a) => Number(a.a) + Number(a.b)),
    lookup: pure('lookup', z.object({ key: z.string() }), (a) => `value-of-${String(a.key)}`),
    sideEffect,
  };
}

/** What the side-effecting tools return, so a "did it happen?" answer can restate the real output. */
export function outputOf(a: ApprovalRequest): JSONValue {
  const args = a.args as Record<string, JSONValue>;
  if (a.toolName === 'send_email') return `sent:${String(args.to)}`;
  if (a.toolName === 'charge') return `charged:${String(args.amount)}`;
  if (a.toolName === 'write_file') return `wrote:${String(args.path)}`;
  throw new Error(`unexpected approval for ${a.toolName}`);
}
