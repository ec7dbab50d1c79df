import { Agent } from 'afk/agents';
import { type LLMClient, type LLMRequest, type ScriptedTurn, scripted } from 'afk/llms';
import { tool } from 'afk/tools';
import { z } from 'zod';
import { readConversation } from './conversation';

/** How long the demo's background job takes (the run waits for it, within `backgroundMaxWaitMs`). */
export const REPORT_JOB_MS = 1500;

/**
 * A deferred tool: it returns a ticket at once and the job settles it later, in the page. The
 * model is told "being built", and sees the result when the ticket settles.
 */
export const buildReport = tool({
  name: 'build_report',
  description: 'Build a sales report in the background (takes a moment)',
  args: z.object({ quarter: z.enum(['Q1', 'Q2', 'Q3', 'Q4']) }),
  run: ({ quarter }, ctx) =>
    ctx.defer({
      summary: `building the ${quarter} sales report`,
      work: new Promise((resolve) =>
        setTimeout(() => resolve({ quarter, pages: 3, total: 128_400 }), REPORT_JOB_MS),
      ),
    }),
});

function reporterTurn(req: LLMRequest): ScriptedTurn {
  const { ask, results } = readConversation(req);
  const done = ask.match(/^Background result of build_report .*?: (\{.*\})$/s)?.[1];
  if (done) {
    const r = JSON.parse(done) as { quarter: string; pages: number; total: number };
    return { text: `The ${r.quarter} report is ready: ${r.pages} pages, total sales $${r.total}.` };
  }
  if (/^Background call build_report .* failed/.test(ask)) return { text: `The report failed: ${ask}` };
  if (results.has('build_report'))
    return { text: 'The report is being built in the background; I will wait for it.' };
  const quarter = ask.match(/\bQ[1-4]\b/i)?.[0]?.toUpperCase() ?? 'Q3';
  return { toolCalls: [{ name: 'build_report', args: { quarter } }] };
}

/** An agent with a background job: a `tool_deferred` ticket that settles while the run waits. */
export function reporterAgent(
  model: LLMClient = scripted(reporterTurn, { model: 'scripted-reporter', delayMs: 60 }),
) {
  return new Agent({
    name: 'reporter',
    model,
    instructions: 'Build reports with build_report; it runs in the background. Report the result.',
    tools: [buildReport],
  });
}
