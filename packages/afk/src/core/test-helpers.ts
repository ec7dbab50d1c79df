import { z } from 'zod';
import { tool } from '../tools/tool.js';

/** A pure `add` tool shared by the runtime tests. */
export const add = tool({
  name: 'add',
  description: 'Add two numbers',
  args: z.object({ a: z.number(), b: z.number() }),
  run: async ({ a, b }) => a + b,
  effects: 'pure',
});
