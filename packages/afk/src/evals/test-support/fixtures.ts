// Agents the eval tests run: a search-then-answer agent on the scripted model, keyed on the
// user's question so any number of concurrent cases get their own deterministic trajectory.
import { z } from 'zod';
import { Agent } from '../../agents/agent.js';
import { scripted } from '../../llms/providers/scripted.js';
import type { LLMRequest } from '../../llms/types.js';
import { lastUserText } from '../../llms/types.js';
import { tool } from '../../tools/tool.js';

export const search = tool({
  name: 'search',
  description: 'search the web',
  args: z.object({ q: z.string(), page: z.number().optional() }),
  effects: 'pure',
  run: async ({ q }) => `results for ${q}`,
});
export const lookup = tool({
  name: 'lookup',
  description: 'look a word up',
  args: z.object({ word: z.string() }),
  effects: 'pure',
  run: async ({ word }) => `definition of ${word}`,
});
export const answer = tool({
  name: 'answer',
  description: 'record the answer',
  args: z.object({ text: z.string() }),
  effects: 'pure',
  run: async ({ text }) => `recorded ${text}`,
});

const toolMessages = (req: LLMRequest) => req.messages.filter((m) => m.role === 'tool').length;

/**
 * search → (lookup when the question says "detour") → answer → final text `answer: <question>`.
 * A question containing "explode" makes the model fail (a failed run).
 */
export function researchAgent(opts: { costUsd?: number; model?: ReturnType<typeof scripted> } = {}): Agent {
  const model =
    opts.model ??
    scripted(
      (req) => {
        const q = lastUserText(req);
        if (q.includes('explode')) return { error: { status: 400, message: 'the model exploded' } };
        const n = toolMessages(req);
        const detour = q.includes('detour');
        const plan = detour
          ? [
              { name: 'search', args: { q } },
              { name: 'lookup', args: { word: 'x' } },
              { name: 'answer', args: { text: q } },
            ]
          : [
              { name: 'search', args: { q } },
              { name: 'answer', args: { text: q } },
            ];
        const next = plan[n];
        const cost = opts.costUsd === undefined ? {} : { costUsd: opts.costUsd };
        return next ? { toolCalls: [next], ...cost } : { text: `answer: ${q}`, ...cost };
      },
      { keepRequests: false },
    );
  return new Agent({ name: 'research', model, tools: [search, lookup, answer] });
}
