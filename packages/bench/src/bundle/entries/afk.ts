// Bundle-size entry: one agent, one zod tool, one run — what a browser app minimally ships.
import { Agent } from 'afk/agents';
import { Runner } from 'afk/core';
import { scripted } from 'afk/llms';
import { tool } from 'afk/tools';
import { z } from 'zod';

const add = tool({
  name: 'add',
  description: 'Add two numbers',
  args: z.object({ a: z.number(), b: z.number() }),
  run: async ({ a, b }) => String(a + b),
});

const agent = new Agent({
  name: 'calculator',
  model: scripted([{ toolCalls: [{ name: 'add', args: { a: 1, b: 2 } }] }, { text: '1 + 2 = 3' }]),
  tools: [add],
});

const result = await new Runner().run(agent, { userMessage: 'What is 1 + 2?' });
console.log(result.state, result.finalText);
