import { generateText, stepCountIs, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { z } from 'zod';
import { type Workload, WorkloadError } from './workload.js';

type GenerateResult = Awaited<ReturnType<MockLanguageModelV3['doGenerate']>>;

const usage: GenerateResult['usage'] = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};

/**
 * AI SDK (`ai` v6): `generateText` with the SDK's `MockLanguageModelV3` (zero latency) and one
 * no-op tool. A step is one model call, so `n` tool steps plus the final answer need
 * `stopWhen: stepCountIs(n + 1)`.
 */
export const aiSdkWorkload: Workload = {
  id: 'ai-sdk',
  label: 'ai (AI SDK)',
  prepare(n) {
    let toolRuns = 0;
    let calls = 0;
    const model = new MockLanguageModelV3({
      doGenerate: async (): Promise<GenerateResult> => {
        const i = calls++;
        if (i < n) {
          return {
            content: [{ type: 'tool-call', toolCallId: `call_${i}`, toolName: 'noop', input: '{}' }],
            finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
            usage,
            warnings: [],
          };
        }
        return {
          content: [{ type: 'text', text: 'done' }],
          finishReason: { unified: 'stop', raw: 'stop' },
          usage,
          warnings: [],
        };
      },
    });
    const tools = {
      noop: tool({
        description: 'no-op',
        inputSchema: z.object({}),
        execute: async () => {
          toolRuns++;
          return 'ok';
        },
      }),
    };
    return {
      run: () => generateText({ model, prompt: 'go', tools, stopWhen: stepCountIs(n + 1) }),
      verify(outcome) {
        const result = outcome as { text: string; steps: unknown[] };
        if (result.text !== 'done') throw new WorkloadError('ai', `unexpected final text ${result.text}`);
        if (toolRuns !== n || calls !== n + 1 || result.steps.length !== n + 1) {
          throw new WorkloadError(
            'ai',
            `expected ${n} tool runs and ${n + 1} steps, saw ${toolRuns} tool runs, ${calls} model calls, ${result.steps.length} steps`,
          );
        }
      },
    };
  },
};
