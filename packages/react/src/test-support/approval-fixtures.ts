import { Agent } from 'afk/agents';
import { type ApprovalRequest, Runner } from 'afk/core';
import { contentText, type LLMRequest, scripted } from 'afk/llms';
import { InMemoryStore } from 'afk/memory';
import { tool } from 'afk/tools';
import { z } from 'zod';

/** What the approval-gated tool of the fixture received, per run. */
export const sent: Array<Record<string, unknown>> = [];

/** A tool whose schema has one of each form field kind, behind an approval. */
export const sendTool = tool({
  name: 'send_invoice',
  description: 'Send an invoice to a customer',
  args: z.object({
    to: z.email(),
    amount: z.number().min(1),
    copies: z.number().int().min(1).max(5),
    urgent: z.boolean(),
    currency: z.enum(['EUR', 'USD']),
    note: z.string(),
    lines: z.array(z.object({ item: z.string(), qty: z.number() })),
  }),
  needsApproval: true,
  run: (a) => {
    sent.push(a);
    return { sent: true, to: a.to };
  },
});

const ARGS = {
  to: 'ada@example.com',
  amount: 120,
  copies: 1,
  urgent: false,
  currency: 'EUR',
  note: 'Thanks for your order.',
  lines: [{ item: 'widget', qty: 2 }],
};

function turn(req: LLMRequest) {
  const last = req.messages[req.messages.length - 1];
  if (last?.role === 'tool') return { text: `done: ${last.content}` };
  const user = req.messages.findLast((m) => m.role === 'user');
  const to = user && user.role === 'user' ? contentText(user.content) : 'ada@example.com';
  return { toolCalls: [{ name: 'send_invoice', args: { ...ARGS, to } }] };
}

export const agent = new Agent({ name: 'billing', model: scripted(turn), tools: [sendTool] });

/** A store with `n` runs paused on a send_invoice approval (one per run, to ada0@…, ada1@…). */
export async function pausedRuns(n: number) {
  const store = new InMemoryStore();
  const runner = new Runner({ store, config: { interactionMode: 'external' } });
  const runIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await runner.run(agent, { userMessage: `ada${i}@example.com` });
    if (r.state !== 'interrupted') throw new Error(`expected interrupted, got ${r.state}`);
    runIds.push(r.runId);
  }
  const resume = (a: ApprovalRequest) => runner.resume(agent, { runId: a.rootRunId, threadId: a.threadId });
  return { store, runner, runIds, resume };
}
