import { describe, expect, it } from 'vitest';
import { Runner } from '../../core/runner.js';
import { InMemoryStore } from '../../memory/in-memory.js';
import type { Assertion } from '../models/assertion.js';
import { runSuite } from '../suite.js';
import { researchAgent } from '../test-support/fixtures.js';
import { expandStoredReport, toStoredReport } from './stored-report.js';

const json = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('stored eval reports', () => {
  it('keeps a single-trial case once and expands it back; repeats and skipped cases stay whole', async () => {
    const store = new InMemoryStore();
    const report = await runSuite({
      cases: [
        { id: 'once', input: 'q1', expected: { answer: 'a' }, context: { user: 'u1' }, tags: ['smoke'] },
        { id: 'thrice', input: 'q2', repeat: 3 },
        { id: 'fails', input: 'explode' },
        { id: 'skipped', input: 'q3' },
      ],
      agent: researchAgent(),
      runner: new Runner({ store }),
      concurrency: 1,
      failFast: true,
      // Every optional case field present somewhere: a baseline marks each case.
      baseline: {
        version: 1,
        suiteId: 'old',
        startedAt: 1,
        cases: [{ id: 'once', status: 'failed', passed: false }],
      },
    });
    expect(report.cases.map((c) => c.status)).toEqual(['passed', 'passed', 'failed', 'skipped']);
    expect(report.cases[0]).toMatchObject({
      expected: { answer: 'a' },
      context: { user: 'u1' },
      baseline: 'improved',
    });
    const [saved] = await store.listEvalReports();
    const stored = saved!.report as { cases: Array<Record<string, unknown>> };
    expect(
      stored.cases.map((c) => (Array.isArray(c.trials) ? (c.trials as unknown[]).length : 'compact')),
    ).toEqual(['compact', 3, 'compact', 0]);
    // The stored form is markedly smaller than the whole report.
    const { outputs: _o, ...whole } = report;
    expect(JSON.stringify(stored).length).toBeLessThan(JSON.stringify(whole).length * 0.85);
    expect(expandStoredReport(saved!.report)).toEqual(json({ ...whole, outputs: {} }));
    // A whole report (a JSON reporter file, an older store row) passes through unchanged.
    expect(expandStoredReport(json(report))).toEqual(json(report));
    expect(expandStoredReport(toStoredReport(report))).toEqual({ ...whole, outputs: {} });
  });

  it("makes an assertion's own result JSON-safe before it is saved; a non-result errors the case", async () => {
    const odd: Assertion = {
      name: 'odd',
      evaluate: () =>
        ({
          name: 'odd',
          score: Number.NaN,
          passed: true,
          reason: 'fine',
          metadata: { big: 10n, err: new Error('boom'), fn: () => 1 },
        }) as never,
    };
    const broken: Assertion = { name: 'broken', evaluate: () => undefined as never };
    const store = new InMemoryStore();
    const report = await runSuite({
      cases: [
        { id: 'odd', input: 'q', assertions: [odd] },
        { id: 'broken', input: 'q', assertions: [broken] },
      ],
      agent: researchAgent(),
      runner: new Runner({ store }),
    });
    const [a, b] = report.cases;
    expect(a!.assertions[0]).toEqual({
      name: 'odd',
      score: 1,
      passed: true,
      reason: 'fine',
      metadata: { big: '10', err: { name: 'Error', message: 'boom' } },
    });
    expect(b!.status).toBe('errored');
    expect(b!.error?.message).toMatch(/assertion broken threw: returned undefined/);
    const [saved] = await store.listEvalReports();
    expect(expandStoredReport(saved!.report).cases[0]!.assertions[0]!.metadata).toEqual({
      big: '10',
      err: { name: 'Error', message: 'boom' },
    });
  });
});
