import { Agent, type Model, type ModelResponse, Runner, type RunResult, tool, Usage } from '@openai/agents';
import { z } from 'zod';
import { type Workload, WorkloadError } from './workload.js';

/**
 * A zero-latency fake `Model` (the shape of the SDK's own test stub): `n` responses that each hold one
 * `function_call` for `noop`, then an assistant message. Unlike the SDK's `ScriptedModel` it keeps
 * no snapshot of each request, so the harness adds no per-step cost that grows with the thread.
 */
class FakeModel implements Model {
  calls = 0;
  constructor(private readonly n: number) {}

  async getResponse(): Promise<ModelResponse> {
    const i = this.calls++;
    if (i < this.n) {
      return {
        usage: new Usage({ requests: 1, inputTokens: 1, outputTokens: 1, totalTokens: 2 }),
        output: [
          {
            type: 'function_call',
            id: `fc_${i}`,
            callId: `call_${i}`,
            name: 'noop',
            arguments: '{}',
            status: 'completed',
          },
        ],
        responseId: `resp_${i}`,
      };
    }
    return {
      usage: new Usage({ requests: 1, inputTokens: 1, outputTokens: 1, totalTokens: 2 }),
      output: [
        {
          type: 'message',
          id: `msg_${i}`,
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: 'done' }],
        },
      ],
      responseId: `resp_${i}`,
    };
  }

  // biome-ignore lint/correctness/useYield: the workload never streams
  async *getStreamedResponse(): AsyncIterable<never> {
    throw new Error('FakeModel does not stream');
  }
}

/**
 * @openai/agents: the fake model run through `Runner.run` with a no-op `tool()`. Tracing is disabled
 * (it would otherwise try to export spans to OpenAI); each model call is one turn, so `n` tool turns
 * plus the final answer need `maxTurns >= n + 1`.
 */
export const openaiAgentsWorkload: Workload = {
  id: 'openai-agents',
  label: '@openai/agents',
  prepare(n) {
    let toolRuns = 0;
    const noop = tool({
      name: 'noop',
      description: 'no-op',
      parameters: z.object({}),
      execute: async () => {
        toolRuns++;
        return 'ok';
      },
    });
    const model = new FakeModel(n);
    const agent = new Agent({ name: 'bench', model, tools: [noop] });
    const runner = new Runner({ tracingDisabled: true });
    return {
      run: () => runner.run(agent, 'go', { maxTurns: n + 5 }),
      verify(outcome) {
        const result = outcome as RunResult<never, never>;
        if (result.finalOutput !== 'done') {
          throw new WorkloadError('@openai/agents', `unexpected final output ${String(result.finalOutput)}`);
        }
        if (toolRuns !== n || model.calls !== n + 1) {
          throw new WorkloadError(
            '@openai/agents',
            `expected ${n} tool runs and ${n + 1} model calls, saw ${toolRuns} and ${model.calls}`,
          );
        }
      },
    };
  },
};
