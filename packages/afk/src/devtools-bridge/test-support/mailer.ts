// The agent the bridge's decision tests run: one side-effecting tool that needs approval, so its
// run pauses; `sent` records every mail actually sent (a side effect must happen at most once).
import { z } from 'zod';
import { Agent } from '../../agents/agent.js';
import { scripted } from '../../llms/providers/scripted.js';
import { tool } from '../../tools/tool.js';

export function mailer(sent: string[]) {
  const send = tool({
    name: 'send_mail',
    description: 'sends a mail',
    args: z.object({ to: z.string() }),
    effects: 'side_effect',
    needsApproval: true,
    run: async ({ to }) => {
      sent.push(to);
      return `sent to ${to}`;
    },
  });
  return new Agent({
    name: 'mailer',
    tools: [send],
    model: scripted((req) =>
      req.messages.at(-1)?.role === 'tool'
        ? { text: `done: ${req.messages.at(-1)?.content}` }
        : { toolCalls: [{ name: 'send_mail', args: { to: 'ada' } }] },
    ),
  });
}
