// Bundle-size entry: one zod tool and a two-step generateText on the AI SDK core with a fake model.
import { generateText, type LanguageModel, stepCountIs, tool } from 'ai';
import { z } from 'zod';

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};

let calls = 0;
const model: Exclude<LanguageModel, string> = {
  specificationVersion: 'v3',
  provider: 'fake',
  modelId: 'fake',
  supportedUrls: {},
  async doGenerate() {
    const first = calls++ === 0;
    return first
      ? {
          content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'add', input: '{"a":1,"b":2}' }],
          finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
          usage,
          warnings: [],
        }
      : {
          content: [{ type: 'text', text: '1 + 2 = 3' }],
          finishReason: { unified: 'stop', raw: 'stop' },
          usage,
          warnings: [],
        };
  },
  doStream() {
    throw new Error('not streamed');
  },
};

const result = await generateText({
  model,
  prompt: 'What is 1 + 2?',
  tools: {
    add: tool({
      description: 'Add two numbers',
      inputSchema: z.object({ a: z.number(), b: z.number() }),
      execute: async ({ a, b }) => String(a + b),
    }),
  },
  stopWhen: stepCountIs(5),
});
console.log(result.text);
