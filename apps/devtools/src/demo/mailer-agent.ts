import { Agent } from 'afk/agents';
import { type LLMClient, type LLMRequest, type ScriptedTurn, scripted } from 'afk/llms';
import { tool } from 'afk/tools';
import { z } from 'zod';
import { readConversation, resultValue } from './conversation';

const CONTACTS: Record<string, string> = {
  ada: 'ada@example.com',
  grace: 'grace@example.com',
  alan: 'alan@example.com',
};

/** A pure look-up the mailer calls before it writes. */
export const findContact = tool({
  name: 'find_contact',
  description: 'Look up the email address of a colleague by first name',
  args: z.object({ name: z.string().min(1) }),
  run: ({ name }) => {
    const email = CONTACTS[name.toLowerCase()];
    if (!email) throw new Error(`no colleague called ${name}`);
    return { name, email };
  },
  effects: 'pure',
});

/**
 * The "send" tool behind a human, with a schema rich enough for the inbox's form: an email
 * address, an enum, a boolean, a number and a list.
 */
export const sendMessage = tool({
  name: 'send_email',
  description: 'Send an email on your behalf. A human approves every message first.',
  args: z.object({
    to: z.email(),
    subject: z.string().min(1).max(120),
    body: z.string().min(1),
    priority: z.enum(['low', 'normal', 'high']),
    requestReceipt: z.boolean(),
    followUpDays: z.number().int().min(0).max(30),
    cc: z.array(z.email()),
  }),
  needsApproval: true,
  run: (a) => ({ sent: true, to: a.to, subject: a.subject, priority: a.priority }),
});

function mailerTurn(req: LLMRequest): ScriptedTurn {
  const { ask, results } = readConversation(req);
  const name = ask.match(/\b(Ada|Grace|Alan)\b/i)?.[0];
  if (!name)
    return { text: 'Tell me whom to write to: Ada, Grace or Alan (e.g. "Send Ada the weekly report").' };
  const contact = results.get('find_contact');
  if (!contact) return { toolCalls: [{ name: 'find_contact', args: { name } }] };
  if (contact.isError) return { text: `I could not find ${name}: ${contact.content}` };
  const { email } = resultValue(contact) as { email: string };
  const sent = results.get('send_email');
  if (!sent) {
    return {
      text: `Drafting the weekly report for ${name}.`,
      toolCalls: [
        {
          name: 'send_email',
          args: {
            to: email,
            subject: 'Weekly report',
            body: `Hi ${name}, the weekly numbers are attached. Revenue is up 4%.`,
            priority: 'normal',
            requestReceipt: false,
            followUpDays: 3,
            cc: [],
          },
        },
      ],
    };
  }
  if (sent.isError) return { text: `I did not send the email: ${sent.content}` };
  const out = resultValue(sent) as { to: string; subject: string };
  return { text: `Sent "${out.subject}" to ${out.to}.` };
}

/** A mailer whose `send_email` needs approval: the run pauses until the inbox decides. */
export function mailerAgent(
  model: LLMClient = scripted(mailerTurn, { model: 'scripted-mailer', delayMs: 60 }),
) {
  return new Agent({
    name: 'mailer',
    model,
    instructions:
      'You write short emails. Look the address up with find_contact, then send it with send_email.',
    tools: [findContact, sendMessage],
  });
}
