// Bundle-size entry: one agent, one zod tool, one run on @openai/agents-core with a fake model
// (the core package is the browser-relevant part; `@openai/agents` adds the OpenAI client on top).
import { Agent, type Model, type ModelResponse, Runner, tool, Usage } from '@openai/agents-core';
import { z } from 'zod';

const add = tool({
  name: 'add',
  description: 'Add two numbers',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: async ({ a, b }) => String(a + b),
});

let calls = 0;
const model: Model = {
  async getResponse(): Promise<ModelResponse> {
    const first = calls++ === 0;
    return {
      usage: new Usage(),
      output: first
        ? [
            {
              type: 'function_call',
              callId: 'call_1',
              name: 'add',
              arguments: '{"a":1,"b":2}',
              status: 'completed',
            },
          ]
        : [
            {
              type: 'message',
              role: 'assistant',
              status: 'completed',
              content: [{ type: 'output_text', text: '1 + 2 = 3' }],
            },
          ],
    };
  },
  getStreamedResponse() {
    throw new Error('not streamed');
  },
};

const agent = new Agent({ name: 'calculator', model, tools: [add] });
const result = await new Runner({ modelProvider: { getModel: () => model }, tracingDisabled: true }).run(
  agent,
  'What is 1 + 2?',
);
console.log(result.finalOutput);
