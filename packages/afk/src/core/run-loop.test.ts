import { describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import { scripted } from '../llms/providers/scripted.js';
import { Runner } from './runner.js';
import { add } from './test-helpers.js';

describe('run loop', () => {
  it('B1: tool round trip then final answer', async () => {
    const model = scripted([{ toolCalls: [{ name: 'add', args: { a: 1, b: 2 } }] }, { text: 'final answer' }]);
    const agent = new Agent({ name: 'calc', model, tools: [add] });
    const result = await new Runner().run(agent, { userMessage: 'add 1 and 2' });
    expect(result.state).toBe('completed');
    expect(result.finalText).toBe('final answer');
    expect(result.toolExecutions).toHaveLength(1);
    expect(result.toolExecutions[0]).toMatchObject({ toolName: 'add', success: true, output: 3, agentPath: 'calc' });
  });

  it('B2: event order for one tool round trip and for a text-only run', async () => {
    const runner = new Runner();
    const model = scripted([{ toolCalls: [{ name: 'add', args: { a: 1, b: 2 } }] }, { text: 'done' }]);
    const r = await runner.run(new Agent({ name: 'calc', model, tools: [add] }), { userMessage: 'x' });
    const types = (await runner.events(r.runId)).map((e) => e.type);
    expect(types).toEqual([
      'run_started', 'step_started', 'policy_decision', 'llm_called', 'llm_completed', 'policy_decision', 'tool_started', 'tool_completed',
      'step_started', 'policy_decision', 'llm_called', 'llm_completed', 'run_completed',
    ]);
    const r2 = await runner.run(new Agent({ name: 'talk', model: scripted([{ text: 'hi' }]) }), { userMessage: 'x' });
    expect((await runner.events(r2.runId)).map((e) => e.type)).toEqual(['run_started', 'step_started', 'policy_decision', 'llm_called', 'llm_completed', 'run_completed']);
  });
});
