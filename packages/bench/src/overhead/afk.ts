import { Agent } from 'afk/agents';
import { Runner } from 'afk/core';
import { scripted } from 'afk/llms';
import { InMemoryStore } from 'afk/memory';
import { tool } from 'afk/tools';
import { z } from 'zod';
import { type Workload, WorkloadError } from './workload.js';

/** afk: scripted model (zero latency) + one pure no-op tool, a fresh in-memory store per run. */
export const afkWorkload: Workload = {
  id: 'afk',
  label: 'afk',
  prepare(n) {
    let toolRuns = 0;
    const noop = tool({
      name: 'noop',
      description: 'no-op',
      args: z.object({}),
      run: async () => {
        toolRuns++;
        return 'ok';
      },
      effects: 'pure',
    });
    // keepRequests: false — the scripted model's request log is a test aid; retaining every
    // request would charge O(N²) memory to the runner.
    const model = scripted(
      (_req, i) => (i < n ? { toolCalls: [{ name: 'noop', args: {} }] } : { text: 'done' }),
      {
        keepRequests: false,
      },
    );
    const agent = new Agent({
      name: 'bench',
      model,
      tools: [noop],
      failSafe: { maxSteps: n + 5, maxLlmCalls: n + 5, maxToolCalls: n + 5 },
    });
    const runner = new Runner({ store: new InMemoryStore() });
    return {
      run: () => runner.run(agent, { userMessage: 'go' }),
      verify(outcome) {
        const result = outcome as { state?: unknown; finalText?: unknown };
        if (result.state !== 'completed')
          throw new WorkloadError('afk', `run ended in state ${String(result.state)}`);
        if (toolRuns !== n || model.calls !== n + 1) {
          throw new WorkloadError(
            'afk',
            `expected ${n} tool runs and ${n + 1} model calls, saw ${toolRuns} and ${model.calls}`,
          );
        }
        if (result.finalText !== 'done')
          throw new WorkloadError('afk', `unexpected final text ${String(result.finalText)}`);
      },
    };
  },
};
