import { z } from 'zod';
import { PolicyEngine } from '../../agents/policy.js';
import { scripted } from '../../llms/providers/scripted.js';
import { tool } from '../../tools/tool.js';

/** Fixtures of the approval tests: a `send` tool, a policy that asks before sending, a model. */

export type Sent = { to: string; body: string };

/** A side-effecting `send` tool that records every execution. */
export function sendTool(log: Sent[], opts: { needsApproval?: boolean | ((a: Sent) => boolean) } = {}) {
  return tool({
    name: 'send',
    description: 'Send a message',
    args: z.object({ to: z.string().min(1), body: z.string() }),
    run: async (a) => {
      log.push(a);
      return `sent to ${a.to}`;
    },
    ...(opts.needsApproval === undefined ? {} : { needsApproval: opts.needsApproval }),
  });
}

export const askSend = new PolicyEngine([
  {
    id: 'ask-send',
    action: 'request_approval',
    when: { event: 'tool_before_execute', tool: 'send' },
    reason: 'sending needs a human',
  },
]);

export function sendModel() {
  return scripted([
    { toolCalls: [{ id: 'call_send', name: 'send', args: { to: 'bob', body: 'hi' } }] },
    { text: 'done' },
  ]);
}
