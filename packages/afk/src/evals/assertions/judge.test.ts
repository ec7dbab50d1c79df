import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileJudgeCache, memoryJudgeCache } from '../models/judge-cache.js';
import { scriptedJudge } from '../models/judge-model.js';
import { runSuite } from '../suite.js';
import { researchAgent } from '../test-support/fixtures.js';
import { llmJudge } from './judge.js';

const dir = mkdtempSync(join(tmpdir(), 'afk-judge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cases = [
  { id: 'fr', input: 'capital of France', expected: 'Paris' },
  { id: 'es', input: 'capital of Spain', expected: 'Madrid' },
];
const judge = () =>
  scriptedJudge(
    ({ output, expected }) => ({
      score: output.includes(String(expected)) ? 1 : 0.2,
      reason: `graded against ${String(expected)}`,
    }),
    { costUsd: 0.003 },
  );

describe('llmJudge', () => {
  it('behaviour 54: answers are cached by (rubric, input, output, judge model); a second run makes no judge call; the cost is in the report', async () => {
    const model = judge();
    const judgeCache = memoryJudgeCache();
    const assertions = [llmJudge({ rubric: 'Names the capital.', model, threshold: 0.5 })];
    const first = await runSuite({ cases, agent: researchAgent(), assertions, judgeCache, store: false });
    expect(model.calls).toBe(2);
    // The agent answers "answer: capital of France", which lacks "Paris": the judge scores 0.2.
    expect(first.cases.map((c) => c.assertions[0]!.score)).toEqual([0.2, 0.2]);
    expect(first.cases[0]!.assertions[0]).toMatchObject({
      passed: false,
      reason: 'graded against Paris',
      metadata: { cached: false },
    });
    expect(first.judgeUsage.costUsd).toBeCloseTo(0.006);
    expect(first.cases[0]!.judgeUsage.costUsd).toBeCloseTo(0.003);
    // Judge usage counts into the case's and the suite's usage.
    expect(first.cases[0]!.usage.costUsd).toBeCloseTo(0.003);
    expect(first.usage.costUsd).toBeCloseTo(0.006);
    expect(first.cases[0]!.usage.totalTokens).toBeGreaterThan(
      first.cases[0]!.trials[0]!.judgeUsage.totalTokens,
    );

    const second = await runSuite({ cases, agent: researchAgent(), assertions, judgeCache, store: false });
    expect(model.calls).toBe(2);
    expect(second.cases[0]!.assertions[0]).toMatchObject({
      score: 0.2,
      metadata: { cached: true, costUsd: 0 },
    });
    expect(second.judgeUsage.costUsd).toBe(0);

    // Another rubric or another output is another key.
    await runSuite({
      cases,
      agent: researchAgent(),
      assertions: [llmJudge({ rubric: 'Other rubric.', model })],
      judgeCache,
      store: false,
    });
    expect(model.calls).toBe(4);
  });

  it('identical judgements in flight at once share one call (repeats)', async () => {
    const model = judge();
    const report = await runSuite({
      cases: [cases[0]!],
      agent: researchAgent(),
      repeat: 4,
      concurrency: 4,
      assertions: [llmJudge({ rubric: 'r', model })],
      judgeCache: memoryJudgeCache(),
      store: false,
    });
    expect(model.calls).toBe(1);
    expect(report.judgeUsage.costUsd).toBeCloseTo(0.003);
  });

  it('a file cache persists verdicts across processes (a fresh cache object reads them back)', async () => {
    const path = join(dir, 'cache', 'judge.json');
    const model = judge();
    const assertions = [llmJudge({ rubric: 'Names the capital.', model })];
    await runSuite({
      cases,
      agent: researchAgent(),
      assertions,
      judgeCache: fileJudgeCache(path),
      store: false,
    });
    expect(model.calls).toBe(2);
    const file = JSON.parse(readFileSync(path, 'utf8')) as {
      format: string;
      entries: Record<string, unknown>;
    };
    expect(file.format).toBe('afk-judge-cache');
    expect(Object.keys(file.entries)).toHaveLength(2);
    await runSuite({
      cases,
      agent: researchAgent(),
      assertions,
      judgeCache: fileJudgeCache(path),
      store: false,
    });
    expect(model.calls).toBe(2);
  });

  it('a judge that does not answer { score, reason } makes the case errored', async () => {
    const report = await runSuite({
      cases: [cases[0]!],
      agent: researchAgent(),
      assertions: [
        llmJudge({ rubric: 'r', model: scriptedJudge(() => ({ score: 7, reason: '' }) as never) }),
      ],
      judgeCache: memoryJudgeCache(),
      store: false,
    });
    expect(report.cases[0]!.status).toBe('errored');
    expect(report.cases[0]!.error?.message).toContain('did not answer { score, reason }');
  });
});
