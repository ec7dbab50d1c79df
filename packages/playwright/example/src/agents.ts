import { Agent } from 'afk/agents';
import { type LLMRequest, openai, type ScriptedTurn, scripted } from 'afk/llms';
import { tool } from 'afk/tools';
import { z } from 'zod';

/** A pure tool the calculator calls. */
export const add = tool({
  name: 'add',
  description: 'Add two numbers',
  args: z.object({ a: z.number(), b: z.number() }),
  effects: 'pure',
  run: ({ a, b }) => a + b,
});

/**
 * The calculator talks to OpenAI's chat completions API at `baseURL` — in the tests, an address
 * on the page's own origin that Playwright answers with recorded SSE (`page.route`).
 */
export function calculatorAgent(baseURL: string): Agent {
  return new Agent({
    name: 'calculator',
    model: openai({
      model: 'gpt-4.1-mini',
      apiKey: 'sk-example-not-a-real-key',
      baseURL,
      dangerouslyAllowBrowser: true,
    }),
    instructions: 'You are a calculator. Use the add tool for arithmetic.',
    tools: [add],
  });
}

const lookupContact = tool({
  name: 'lookup_contact',
  description: 'Look up the email address of a colleague by first name',
  args: z.object({ name: z.string() }),
  effects: 'pure',
  run: ({ name }) => ({ name, email: `${name.toLowerCase()}@example.com` }),
});

/** Sends an email: a human approves every call first (`needsApproval`). */
const sendEmail = tool({
  name: 'send_email',
  description: 'Send an email. A human approves it first.',
  args: z.object({ to: z.string(), subject: z.string() }),
  needsApproval: true,
  run: ({ to, subject }) => ({ sent: true, to, subject }),
});

/** The scripted mailer's turn: a pure function of the conversation, so a resumed run continues. */
function mailerTurn(req: LLMRequest): ScriptedTurn {
  const tools = req.messages.filter((m) => m.role === 'tool');
  const contact = tools.find((m) => m.role === 'tool' && m.name === 'lookup_contact');
  const sent = tools.find((m) => m.role === 'tool' && m.name === 'send_email');
  if (!contact) return { toolCalls: [{ name: 'lookup_contact', args: { name: 'Ada' } }] };
  if (!sent) {
    return { toolCalls: [{ name: 'send_email', args: { to: 'ada@example.com', subject: 'Weekly report' } }] };
  }
  return { text: `Sent: ${typeof sent.content === 'string' ? sent.content : JSON.stringify(sent.content)}` };
}

/** A scripted agent whose `send_email` waits for an approval. */
export function mailerAgent(): Agent {
  return new Agent({
    name: 'mailer',
    model: scripted(mailerTurn, { model: 'scripted-mailer' }),
    tools: [lookupContact, sendEmail],
  });
}
