// An AFK MCPServer over stdio, spawned by the stdio tests (`node --import tsx stdio-server.ts`).
import { z } from 'zod';
import { tool } from '../../tools/index.js';
import { MCPServer } from '../server.js';

const add = tool({
  name: 'add',
  description: 'Add two numbers',
  args: z.object({ a: z.number(), b: z.number() }),
  run: ({ a, b }) => ({ sum: a + b }),
  effects: 'pure',
});

await new MCPServer({ name: 'afk-stdio', version: '1.0.0', tools: [add] }).stdio();
