import { describe, expect, it } from 'vitest';
import { Agent } from '../../agents/agent.js';
import { Runner } from '../../core/runner.js';
import { Debugger } from '../../debugger/index.js';
import { isAfkError } from '../../errors/index.js';
import { scripted } from '../../llms/providers/scripted.js';
import { lastUserText } from '../../llms/types.js';
import { InMemoryStore } from '../../memory/in-memory.js';
import { validateCases } from '../load-cases.js';
import { runSuite } from '../suite.js';
import { answer, lookup, search } from '../test-support/fixtures.js';
import { caseFromRun } from './case-from-run.js';

describe('caseFromRun', () => {
  it('behaviour 55: a recorded run replays offline — same tool trajectory and final text, no model call', async () => {
    const store = new InMemoryStore();
    const runner = new Runner({ store });
    // A "live" model whose answers vary with a counter: only a replay can give the same run again.
    let live = 0;
    const model = scripted((req) => {
      live++;
      const tools = req.messages.filter((m) => m.role === 'tool').length;
      if (tools === 0)
        return { toolCalls: [{ name: 'search', args: { q: lastUserText(req) } }], costUsd: 0.001 };
      if (tools === 1) return { toolCalls: [{ name: 'lookup', args: { word: `w${live}` } }], costUsd: 0.001 };
      return { text: `final after ${live} calls`, costUsd: 0.001 };
    });
    const agent = new Agent({ name: 'research', model, tools: [search, lookup, answer] });
    const recorded = await runner.run(agent, { userMessage: 'find it', context: { user: 'u1' } });
    expect(recorded.state).toBe('completed');
    expect(live).toBe(3);

    const evalCase = await caseFromRun(recorded.runId, { store });
    expect(evalCase).toMatchObject({
      id: `run-${recorded.runId}`,
      input: 'find it',
      context: { user: 'u1' },
      expected: { finalText: 'final after 3 calls', toolSequence: ['search', 'lookup'], state: 'completed' },
      expectedStates: ['completed'],
    });
    expect(evalCase.replay?.responses).toHaveLength(3);
    // Plain JSON: it survives a cases file.
    const [fromFile] = validateCases(JSON.parse(JSON.stringify([evalCase])));

    const report = await runSuite({ cases: [fromFile!], agent, runner: new Runner(), store: false });
    expect(live).toBe(3); // no model call
    const c = report.cases[0]!;
    expect(c.status).toBe('passed');
    expect(c.finalText).toBe('final after 3 calls');
    expect(c.assertions.map((a) => [a.name, a.passed])).toEqual([
      ['toolSequence([search, lookup], exact)', true],
      ['finalTextEquals("final after 3 calls")', true],
    ]);
    expect(c.usage.costUsd).toBeCloseTo(0.003);

    // The same from an export object (a file someone saved from the devtools).
    const exported = await new Debugger({ store }).export(recorded.runId);
    const fromExport = await caseFromRun(JSON.parse(JSON.stringify(exported)), { id: 'saved' });
    expect(fromExport.id).toBe('saved');
    expect(fromExport.replay).toEqual(evalCase.replay);

    // A changed agent (its tool now fails) is caught by the replayed case.
    const broken = new Agent({ name: 'research', model, tools: [search, answer] });
    const regressed = await runSuite({ cases: [evalCase], agent: broken, store: false });
    expect(live).toBe(3);
    expect(regressed.cases[0]!.passed).toBe(false);
  });

  it('refuses a run id without a store, and a foreign export with every issue', async () => {
    const noStore = await caseFromRun('run_x').catch((e: unknown) => e);
    expect(isAfkError(noStore) && noStore.code).toBe('invalid_argument');
    const foreign = await caseFromRun({ format: 'nope' }).catch((e: unknown) => e);
    expect(isAfkError(foreign) && foreign.issues.length).toBeGreaterThan(1);
  });
});
