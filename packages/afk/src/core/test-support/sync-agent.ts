import { z } from 'zod';
import { Agent } from '../../agents/agent.js';
import { scripted } from '../../llms/providers/scripted.js';
import { tool } from '../../tools/tool.js';

const slowAdd = tool({
  name: 'add',
  description: 'Add two numbers, slowly (async work inside the worker)',
  args: z.object({ a: z.number(), b: z.number() }),
  effects: 'pure',
  run: async ({ a, b }) => {
    await new Promise((r) => setTimeout(r, 20));
    return a + b;
  },
});

/** Used by the runSync test: defined in a module so a worker thread can import it. */
export const agent = new Agent({
  name: 'sync-calc',
  model: scripted([{ toolCalls: [{ name: 'add', args: { a: 20, b: 22 } }] }, { text: 'the answer is 42' }]),
  tools: [slowAdd],
});
