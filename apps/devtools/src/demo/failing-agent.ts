import { Agent } from 'afk/agents';
import { type LLMClient, type LLMRequest, type ScriptedTurn, scripted } from 'afk/llms';
import { tool } from 'afk/tools';
import { z } from 'zod';
import { readConversation } from './conversation';

/** The message the failing demo's tool throws (the run ends `failed` with it). */
export const INVOICE_ERROR = 'Invoice service answered 503 Service Unavailable';

export const fetchInvoice = tool({
  name: 'fetch_invoice',
  description: 'Fetch an invoice from the billing service (which is down in this demo)',
  args: z.object({ invoiceId: z.string() }),
  run: async () => {
    await new Promise((r) => setTimeout(r, 50));
    throw new Error(INVOICE_ERROR);
  },
  effects: 'idempotent',
});

function billingTurn(req: LLMRequest): ScriptedTurn {
  const { ask } = readConversation(req);
  const invoiceId = ask.match(/\bINV-\d+\b/i)?.[0]?.toUpperCase() ?? 'INV-1001';
  return { toolCalls: [{ name: 'fetch_invoice', args: { invoiceId } }] };
}

/**
 * An agent that fails: its tool throws and `toolFailurePolicy: 'fail'` ends the run `failed`
 * with the tool's error, so the timeline shows an error span and the run its error.
 */
export function failingAgent(
  llm: LLMClient = scripted(billingTurn, { model: 'scripted-billing', delayMs: 60 }),
) {
  return new Agent({
    name: 'billing',
    model: llm,
    instructions: 'Fetch invoices with fetch_invoice.',
    tools: [fetchInvoice],
    failSafe: { toolFailurePolicy: 'fail' },
  });
}
