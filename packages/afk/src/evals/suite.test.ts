import { describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import { Runner } from '../core/runner.js';
import { isAfkError } from '../errors/index.js';
import { scripted } from '../llms/providers/scripted.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { custom } from './assertions/custom.js';
import { completed, finalTextContains } from './assertions/text.js';
import { toolCalled } from './assertions/tools.js';
import type { EvalCase } from './models/case.js';
import type { SuiteReport } from './models/report.js';
import { expandStoredReport } from './models/stored-report.js';
import { runSuite } from './suite.js';
import type { SuiteProgress } from './suite-options.js';
import { researchAgent } from './test-support/fixtures.js';

describe('runSuite', () => {
  it('behaviour 41: one case whose run fails is a failed case with its error; the others run', async () => {
    const cases: EvalCase[] = [
      { id: 'ok-1', input: 'capital of France', assertions: [finalTextContains('France')] },
      { id: 'boom', input: 'please explode', assertions: [completed()] },
      {
        id: 'ok-2',
        input: 'capital of Spain',
        assertions: [toolCalled('search', { q: 'capital of Spain' })],
      },
    ];
    const report = await runSuite({ cases, agent: researchAgent() });
    expect(report.cases.map((c) => [c.id, c.status])).toEqual([
      ['ok-1', 'passed'],
      ['boom', 'failed'],
      ['ok-2', 'passed'],
    ]);
    const boom = report.cases[1]!;
    expect(boom.state).toBe('failed');
    expect(boom.error?.message).toContain('the model exploded');
    expect(boom.assertions[0]).toMatchObject({ name: 'completed', passed: false });
    expect(report.summary).toMatchObject({ total: 3, passed: 2, failed: 1, errored: 0 });
    expect(report.passed).toBe(false);
    expect(report.version).toBe(1);
  });

  it('behaviour 42: EvalBudget.maxDurationMs: 0 fails a case with a budget violation', async () => {
    const report = await runSuite({
      cases: [
        { id: 'timed', input: 'anything', budget: { maxDurationMs: 0 } },
        { id: 'free', input: 'anything else' },
      ],
      agent: researchAgent(),
    });
    const [timed, free] = report.cases;
    expect(timed!.status).toBe('failed');
    expect(timed!.budgetViolations).toHaveLength(1);
    expect(timed!.budgetViolations[0]).toMatch(/^maxDurationMs: .* > 0 ms$/);
    expect(free!.status).toBe('passed');
  });

  it('checks the other budget keys against the run', async () => {
    const report = await runSuite({
      cases: [
        { id: 'steps', input: 'q1', budget: { maxSteps: 1, maxToolCalls: 1, maxLlmCalls: 2 } },
        { id: 'cost', input: 'q2', budget: { maxCostUsd: 0.001, maxTotalTokens: 1 } },
        { id: 'roomy', input: 'q3', budget: { maxSteps: 10, maxCostUsd: 1 } },
      ],
      agent: researchAgent({ costUsd: 0.01 }),
    });
    expect(report.cases[0]!.budgetViolations.map((v) => v.split(':')[0])).toEqual([
      'maxSteps',
      'maxToolCalls',
      'maxLlmCalls',
    ]);
    expect(report.cases[1]!.budgetViolations.map((v) => v.split(':')[0])).toEqual([
      'maxCostUsd',
      'maxTotalTokens',
    ]);
    expect(report.cases[2]!.passed).toBe(true);
  });

  it('a thrown assertion makes the case errored, not the suite', async () => {
    const report = await runSuite({
      cases: [
        { id: 'a', input: 'q' },
        { id: 'b', input: 'q' },
      ],
      agent: researchAgent(),
      assertions: [
        custom('picky', ({ case: c }) => {
          if (c.id === 'b') throw new Error('assertion bug');
          return true;
        }),
      ],
    });
    expect(report.cases.map((c) => c.status)).toEqual(['passed', 'errored']);
    expect(report.cases[1]!.error?.message).toBe('assertion picky threw: assertion bug');
    expect(report.summary.errored).toBe(1);
  });

  it('an agent factory that throws is an errored case', async () => {
    const agent = researchAgent();
    const report = await runSuite({
      cases: [
        { id: 'a', input: 'q' },
        { id: 'b', input: 'q' },
      ],
      agent: (c) => {
        if (c.id === 'a') throw new Error('no agent for a');
        return agent;
      },
    });
    expect(report.cases[0]).toMatchObject({ status: 'errored', error: { code: 'agent_error' } });
    expect(report.cases[1]!.status).toBe('passed');
  });

  it('a 200-case suite at concurrency 8 on the scripted model reports correctly', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const base = researchAgent();
    // Wraps each run to observe how many cases run at once.
    const model = scripted(
      async (req, i) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
        const q = req.messages.findLast((m) => m.role === 'user')?.content as string;
        const tools = req.messages.filter((m) => m.role === 'tool').length;
        void i;
        if (q.endsWith('7')) return { text: 'wrong answer' };
        return tools === 0 ? { toolCalls: [{ name: 'search', args: { q } }] } : { text: `answer: ${q}` };
      },
      { keepRequests: false },
    );
    const agent = new Agent({ name: 'research', model, tools: [...base.tools] });
    const cases: EvalCase[] = Array.from({ length: 200 }, (_, i) => ({
      id: `case-${i}`,
      input: `question ${i}`,
      assertions: [finalTextContains(`question ${i}`)],
      tags: [i % 2 ? 'odd' : 'even'],
    }));
    const progress: SuiteProgress[] = [];
    const report = await runSuite({ cases, agent, concurrency: 8, onProgress: (p) => progress.push(p) });
    const failing = cases.filter((c) => (c.input as string).endsWith('7')).map((c) => c.id);
    expect(report.summary).toMatchObject({
      total: 200,
      passed: 200 - failing.length,
      failed: failing.length,
      errored: 0,
      trials: 200,
    });
    expect(report.cases.filter((c) => !c.passed).map((c) => c.id)).toEqual(failing);
    expect(report.cases.map((c) => c.id)).toEqual(cases.map((c) => c.id));
    expect(new Set(report.cases.map((c) => c.runId)).size).toBe(200);
    expect(maxInFlight).toBe(8);
    expect(progress).toHaveLength(200);
    expect(progress.at(-1)).toMatchObject({ done: 200, total: 200, failed: failing.length });
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(report.summary.passRate).toBeCloseTo((200 - failing.length) / 200);
  });

  it('failFast stops starting cases after the first failure; the rest are skipped', async () => {
    const cases: EvalCase[] = [
      { id: 'boom', input: 'explode' },
      ...Array.from({ length: 5 }, (_, i) => ({ id: `c${i}`, input: `q${i}` })),
    ];
    const report = await runSuite({ cases, agent: researchAgent(), concurrency: 1, failFast: true });
    expect(report.cases.map((c) => c.status)).toEqual([
      'failed',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(report.summary).toMatchObject({ failed: 1, skipped: 5, passRate: 0 });
  });

  it('behaviour 53: repeat 5 on a flaky case reports 5 trials and a stability figure; a baseline marks it regressed', async () => {
    let call = 0;
    // Every other trial answers differently: 3 of 5 trials pass.
    const flaky = new Agent({
      name: 'flaky',
      model: scripted(() => ({ text: call++ % 2 === 0 ? 'the answer is 42' : 'no idea' }), {
        keepRequests: false,
      }),
    });
    const cases: EvalCase[] = [
      { id: 'flaky', input: 'meaning of life?', assertions: [finalTextContains('42')] },
    ];
    const report = await runSuite({ cases, agent: flaky, repeat: 5, concurrency: 1 });
    const c = report.cases[0]!;
    expect(c.trials).toHaveLength(5);
    expect(c.trials.map((t) => t.passed)).toEqual([true, false, true, false, true]);
    expect(c.stability).toEqual({
      trials: 5,
      passedTrials: 3,
      majority: 'passed',
      agreement: 0.6,
      outputs: [
        { text: 'the answer is 42', count: 3 },
        { text: 'no idea', count: 2 },
      ],
    });
    expect(c.passed).toBe(false);
    expect(report.summary.trials).toBe(5);

    const stable = new Agent({
      name: 'stable',
      model: scripted(() => ({ text: 'the answer is 42' }), { keepRequests: false }),
    });
    const baseline: SuiteReport = await runSuite({ cases, agent: stable, repeat: 2 });
    expect(baseline.passed).toBe(true);
    const again = await runSuite({
      cases,
      agent: flaky,
      baseline: JSON.parse(JSON.stringify(baseline)),
      minPassRate: 0,
    });
    // Without failOnRegression a tolerated pass rate passes; with it the regression fails the suite.
    const regressed = await runSuite({
      cases,
      agent: new Agent({ name: 'bad', model: scripted(() => ({ text: 'no' })) }),
      baseline,
      minPassRate: 0,
      failOnRegression: true,
    });
    expect(regressed.cases[0]!.baseline).toBe('regressed');
    expect(regressed.baseline?.regressed).toEqual(['flaky']);
    expect(regressed.passed).toBe(false);
    const tolerated = await runSuite({
      cases,
      agent: new Agent({ name: 'bad', model: scripted(() => ({ text: 'no' })) }),
      baseline,
      minPassRate: 0,
    });
    expect(tolerated.passed).toBe(true);
    const improved = await runSuite({ cases, agent: stable, baseline: regressed });
    expect(improved.cases[0]!.baseline).toBe('improved');
    expect(again.baseline).toBeDefined();
    const fresh = await runSuite({ cases: [{ id: 'other', input: 'x' }], agent: stable, baseline });
    expect(fresh.cases[0]!.baseline).toBe('new');
  });

  it("a case's own repeat wins over the suite's", async () => {
    const report = await runSuite({
      cases: [
        { id: 'a', input: 'q', repeat: 3 },
        { id: 'b', input: 'q' },
      ],
      agent: researchAgent(),
      repeat: 2,
    });
    expect(report.cases.map((c) => c.trials.length)).toEqual([3, 2]);
    expect(report.cases[0]!.stability?.agreement).toBe(1);
  });

  it('a suite budget stops the suite when exceeded and fails it', async () => {
    const report = await runSuite({
      cases: Array.from({ length: 6 }, (_, i) => ({ id: `c${i}`, input: `q${i}` })),
      agent: researchAgent({ costUsd: 0.01 }),
      concurrency: 1,
      budget: { maxCostUsd: 0.05 },
    });
    expect(report.budgetViolations[0]).toMatch(/^maxCostUsd: /);
    expect(report.summary.skipped).toBeGreaterThan(0);
    expect(report.passed).toBe(false);
  });

  it('persists the report to the runner store (without outputs); store: false keeps it nowhere', async () => {
    const store = new InMemoryStore();
    const runner = new Runner({ store });
    const report = await runSuite({
      cases: [{ id: 'a', input: 'q' }],
      agent: researchAgent(),
      runner,
      name: 'Smoke suite',
      reporters: ['junit'],
    });
    expect(report.suiteId).toBe('smoke-suite');
    const saved = await store.listEvalReports();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ suiteId: 'smoke-suite', startedAt: report.startedAt });
    const { outputs, ...rest } = report;
    expect(outputs.junit).toContain('<testsuites');
    // Saved compact (the one trial's fields once, on the case), expanded back to the report.
    const stored = saved[0]!.report as { cases: Array<Record<string, unknown>> };
    expect(stored.cases[0]).not.toHaveProperty('trials');
    expect(stored.cases[0]!.counters).toEqual(report.cases[0]!.trials[0]!.counters);
    expect(expandStoredReport(saved[0]!.report)).toEqual(
      JSON.parse(JSON.stringify({ ...rest, outputs: {} })),
    );
    await runSuite({ cases: [{ id: 'a', input: 'q' }], agent: researchAgent(), runner, store: false });
    expect(await store.listEvalReports()).toHaveLength(1);
  });

  it("each case report carries the case's input, expected and small context, redacted; old reports still load", async () => {
    const big = 'x'.repeat(5_000);
    const report = await runSuite({
      cases: [
        {
          id: 'a',
          input: 'q',
          expected: { answer: 'answer: q', apiKey: 'sk-secret' },
          context: { user: 'ann', token: 'tok-secret' },
        },
        { id: 'b', input: [{ role: 'user', content: 'q2' }], context: { blob: big } },
        { id: 'c', input: 'explode', expected: 'nothing' },
      ],
      agent: researchAgent(),
      failFast: true,
      concurrency: 1,
    });
    const [a, b, c] = report.cases;
    expect(a).toMatchObject({
      input: 'q',
      expected: { answer: 'answer: q', apiKey: '[redacted]' },
      context: { user: 'ann', token: '[redacted]' },
    });
    expect(JSON.stringify(report)).not.toContain('secret');
    expect(b!.input).toEqual([{ role: 'user', content: 'q2' }]);
    expect(b!.context).toBeUndefined(); // over CASE_CONTEXT_MAX_CHARS
    expect(c).toMatchObject({ input: 'explode', expected: 'nothing' });
    // A report from before these fields (same version) is still a valid baseline.
    const old = JSON.parse(JSON.stringify(report)) as SuiteReport;
    for (const k of old.cases) {
      delete k.input;
      delete k.expected;
      delete k.context;
    }
    const again = await runSuite({ cases: [{ id: 'a', input: 'q' }], agent: researchAgent(), baseline: old });
    expect(again.baseline?.unchanged).toEqual(['a']);
  });

  it('a store that refuses the report is a warning on the report, nothing lost', async () => {
    const store = new InMemoryStore();
    await store.close();
    const report = await runSuite({ cases: [{ id: 'a', input: 'q' }], agent: researchAgent(), store });
    expect(report.cases[0]!.passed).toBe(true);
    expect(report.warnings?.[0]).toMatch(/not saved to the store/);
  });

  it('invalid options are one AfkConfigError listing every issue', async () => {
    const err = await runSuite({
      cases: [
        { id: 'a', input: 'q' },
        { id: 'a', input: 'q' },
        { id: '', input: 'q', budget: { maxSteps: -1 } } as EvalCase,
      ],
      agent: 'nope' as never,
      concurrency: 0,
    }).catch((e: unknown) => e);
    expect(isAfkError(err) && err.code).toBe('invalid_config');
    const paths = (err as { issues: Array<{ path: unknown[] }> }).issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['cases.2.id', 'cases.2.budget.maxSteps', 'agent', 'concurrency', 'cases.1.id']),
    );
  });

  it('an empty suite does not pass', async () => {
    const report = await runSuite({ cases: [], agent: researchAgent() });
    expect(report.summary.total).toBe(0);
    expect(report.passed).toBe(false);
  });
});
