import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../../agents/agent.js';
import { scripted } from '../../llms/providers/scripted.js';
import { runSuite } from '../suite.js';
import { lookup, researchAgent, search } from '../test-support/fixtures.js';
import { costAtMost, latencyAtMost, stepsAtMost, tokensAtMost } from './budget.js';
import { custom } from './custom.js';
import { eventTypes, UPDATE_GOLDEN_ENV } from './golden.js';
import {
  completed,
  finalTextContains,
  finalTextEquals,
  finalTextMatches,
  outputMatchesSchema,
} from './text.js';
import { toolCalled, toolNotCalled, toolSequence } from './tools.js';

const dir = mkdtempSync(join(tmpdir(), 'afk-evals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const one = async (
  input: string,
  assertions: NonNullable<Parameters<typeof runSuite>[0]['assertions']>,
  agent = researchAgent(),
) => (await runSuite({ cases: [{ id: 'c', input }], agent, assertions, store: false })).cases[0]!;

describe('assertions', () => {
  it("behaviour 43: toolSequence(['search','answer'], in_order) passes with extra calls between; exact fails", async () => {
    // The detour question makes the agent call search, lookup, answer.
    const c = await one('take a detour', [
      toolSequence(['search', 'answer'], { mode: 'in_order' }),
      toolSequence(['search', 'answer'], { mode: 'exact' }),
      toolSequence(['search', 'lookup', 'answer'], { mode: 'exact' }),
      toolSequence(['answer', 'search']),
    ]);
    expect(c.assertions.map((a) => [a.passed, a.score])).toEqual([
      [true, 1],
      [false, 1],
      [true, 1],
      [false, 0.5],
    ]);
    expect(c.assertions[1]!.reason).toBe(
      'expected exactly [search, answer], the calls were [search, lookup, answer]',
    );
  });

  it('toolCalled matches args exactly, partially, ignoring keys, and by count; toolNotCalled', async () => {
    const c = await one('where is Paris', [
      toolCalled('search'),
      toolCalled('search', { q: 'where is Paris' }),
      toolCalled('search', { q: 'elsewhere' }),
      toolCalled('answer', {}, { partial: true }),
      toolCalled('answer', { text: 'x' }, { ignoreKeys: ['text'] }),
      toolCalled('search', undefined, { times: 2 }),
      toolCalled('lookup'),
      toolNotCalled('lookup'),
      toolNotCalled('search'),
    ]);
    expect(c.assertions.map((a) => a.passed)).toEqual([
      true,
      true,
      false,
      true,
      true,
      false,
      false,
      true,
      false,
    ]);
    expect(c.assertions[2]!.reason).toContain('search was called with other args: {"q":"where is Paris"}');
    expect(c.assertions[6]!.reason).toBe('lookup was never called');
  });

  it('text assertions, schema (zod and JSON Schema), budgets and custom', async () => {
    const agent = new Agent({
      name: 'j',
      model: scripted(() => ({ text: '{"city":"Paris","tempC":21}', costUsd: 0.002 })),
    });
    const c = await one(
      'weather?',
      [
        completed(),
        finalTextContains(['paris', 'tempC']),
        finalTextContains('PARIS', { caseSensitive: true }),
        finalTextEquals(' {"city":"Paris","tempC":21} '),
        finalTextMatches(/"tempC":\d+/),
        outputMatchesSchema(z.object({ city: z.string(), tempC: z.number() })),
        outputMatchesSchema(z.object({ city: z.number() })),
        outputMatchesSchema({ type: 'object', required: ['city'], properties: { city: { type: 'string' } } }),
        outputMatchesSchema({ type: 'object', required: ['country'] }),
        costAtMost(0.001),
        tokensAtMost(1_000_000),
        stepsAtMost(5),
        latencyAtMost(60_000),
        custom('score', () => 0.25),
        custom('full', () => ({ passed: true, score: 0.9, reason: 'fine', metadata: { k: 1 } })),
      ],
      agent,
    );
    expect(c.assertions.map((a) => a.passed)).toEqual([
      true,
      true,
      false,
      true,
      true,
      true,
      false,
      true,
      false,
      false,
      true,
      true,
      true,
      false,
      true,
    ]);
    expect(c.assertions[6]!.reason).toContain('city: Invalid input');
    expect(c.assertions[9]).toMatchObject({ score: 0.5, metadata: { value: 0.002, limit: 0.001 } });
    expect(c.assertions[13]!.score).toBe(0.25);
    expect(c.assertions[14]).toEqual({
      name: 'full',
      passed: true,
      score: 0.9,
      reason: 'fine',
      metadata: { k: 1 },
    });
  });

  it('eventTypes: a golden file is recorded with update, then compared; a changed trace fails', async () => {
    const golden = join(dir, 'golden', 'research.json');
    const missing = await one('q', [eventTypes(golden)]);
    expect(missing.assertions[0]!.reason).toContain(`${UPDATE_GOLDEN_ENV}=1`);
    const recorded = await one('q', [eventTypes(golden, { update: true })]);
    expect(recorded.assertions[0]).toMatchObject({ passed: true, metadata: { updated: true } });
    const types = JSON.parse(readFileSync(golden, 'utf8')) as string[];
    expect(types[0]).toBe('run_started');
    expect(types.at(-1)).toBe('run_completed');
    expect((await one('another q', [eventTypes(golden)])).assertions[0]!.passed).toBe(true);
    const detour = await one('a detour', [eventTypes(golden)]);
    expect(detour.assertions[0]!.passed).toBe(false);
    expect(detour.assertions[0]!.score).toBeGreaterThan(0.5);
    expect(detour.assertions[0]!.reason).toMatch(/^event \d+ is /);
    // The environment variable rewrites it too.
    process.env[UPDATE_GOLDEN_ENV] = '1';
    try {
      expect((await one('a detour', [eventTypes(golden)])).assertions[0]!.passed).toBe(true);
    } finally {
      delete process.env[UPDATE_GOLDEN_ENV];
    }
    expect((await one('a detour', [eventTypes(golden)])).assertions[0]!.passed).toBe(true);
    expect((await one('q', [eventTypes(types)])).assertions[0]!.passed).toBe(true);
    writeFileSync(golden, '{"not":"a list"}');
    const bad = await one('q', [eventTypes(golden)]);
    expect(bad.status).toBe('errored');
  });

  it('JSON assertion specs in a case work like the functions', async () => {
    const report = await runSuite({
      cases: [
        {
          id: 'specs',
          input: 'a detour please',
          assertions: [
            { type: 'completed' },
            { type: 'toolSequence', names: ['search', 'answer'] },
            { type: 'toolCalled', name: 'lookup', args: { word: 'x' } },
            { type: 'toolNotCalled', name: 'delete' },
            { type: 'finalTextMatches', pattern: '^ANSWER', flags: 'i' },
            { type: 'stepsAtMost', steps: 10 },
          ],
        },
      ],
      agent: new Agent({
        name: 'research',
        model: researchAgent().model,
        tools: [search, lookup, researchAgent().tools[2]!],
      }),
      store: false,
    });
    expect(report.cases[0]!.assertions.map((a) => a.passed)).toEqual([true, true, true, true, true, true]);
  });
});
