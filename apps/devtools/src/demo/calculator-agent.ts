import { Agent } from 'afk/agents';
import {
  contentText,
  type LLMClient,
  type LLMRequest,
  type Message,
  type ScriptedTurn,
  scripted,
} from 'afk/llms';
import { tool } from 'afk/tools';
import { z } from 'zod';

/** A pure tool: safe to re-run, never journaled as a side effect. */
export const add = tool({
  name: 'add',
  description: 'Add two numbers',
  args: z.object({ a: z.number(), b: z.number() }),
  run: ({ a, b }) => a + b,
  effects: 'pure',
});

/**
 * A side-effecting tool behind a human: the run pauses (`interrupted`) until someone approves
 * it in the approvals inbox. The demo only pretends to send.
 */
export const sendEmail = tool({
  name: 'send_email',
  description: 'Send an email. Always asks a human first.',
  args: z.object({ to: z.string(), subject: z.string(), body: z.string() }),
  needsApproval: true,
  run: ({ to, subject }) => ({ sent: true, to, subject }),
});

export const DEMO_INSTRUCTIONS =
  'You are a calculator. Use the add tool for arithmetic. When asked to email a result, use send_email.';

type ToolMessage = Extract<Message, { role: 'tool' }>;

const NUMBER_RE = /-?\d+(?:\.\d+)?/g;
const EMAIL_RE = /[^\s@,;]+@[^\s@,;]+\.[a-z]{2,}/i;

/**
 * The demo model's "reasoning", a pure function of the conversation (not of a call counter), so
 * that a run resumed in a fresh page, after a reload, picks up exactly where it stopped.
 */
export function calculatorTurn(req: LLMRequest): ScriptedTurn {
  let lastUser = -1;
  req.messages.forEach((m, i) => {
    if (m.role === 'user') lastUser = i;
  });
  const userMessage = req.messages[lastUser];
  const ask = userMessage && userMessage.role === 'user' ? contentText(userMessage.content) : '';
  const results = new Map<string, ToolMessage>();
  for (const m of req.messages.slice(lastUser + 1)) if (m.role === 'tool') results.set(m.name, m);

  const [a, b] = (ask.match(NUMBER_RE) ?? []).map(Number);
  if (a === undefined || b === undefined) {
    return {
      text: 'I am the scripted demo calculator. Try "Add 2 and 3, then email the result to ada@example.com".',
    };
  }
  const sum = results.get('add');
  if (!sum) return { toolCalls: [{ name: 'add', args: { a, b } }] };
  if (sum.isError) return { text: `The add tool failed: ${sum.content}` };
  const total = sum.content.match(NUMBER_RE)?.[0] ?? sum.content;
  const answer = `${a} + ${b} = ${total}.`;

  const to = ask.match(EMAIL_RE)?.[0];
  if (!to) return { text: answer };
  const sent = results.get('send_email');
  if (!sent) {
    return {
      toolCalls: [
        { name: 'send_email', args: { to, subject: `${a} + ${b}`, body: `The result is ${total}.` } },
      ],
    };
  }
  if (sent.isError) return { text: `${answer} I did not send the email: ${sent.content}` };
  return { text: `${answer} I emailed the result to ${to}.` };
}

/** The built-in scripted model: deterministic, offline, streams its answer in small chunks. */
export function demoModel(): LLMClient {
  return scripted(calculatorTurn, { model: 'scripted-calculator', streamChunkSize: 6, delayMs: 60 });
}

/** The playground agent on a given model (the scripted demo model unless a real one is configured). */
export function calculatorAgent(model: LLMClient = demoModel()): Agent {
  return new Agent({ name: 'calculator', model, instructions: DEMO_INSTRUCTIONS, tools: [add, sendEmail] });
}
