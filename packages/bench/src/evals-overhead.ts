/**
 * Eval-suite overhead: `runSuite` over N scripted cases (one tool round trip each, one assertion)
 * against the same N runs through `runner.run` alone, both at concurrency 8. The difference is
 * what the suite adds: scheduling, trial bookkeeping, budget and assertion checks, aggregation,
 * the persisted report. Target: ≤ 5 % over the plain runs.
 */

import { loadavg } from 'node:os';
import { Agent } from 'afk/agents';
import { Runner } from 'afk/core';
import { type EvalCase, finalTextContains, runSuite } from 'afk/evals';
import { scripted } from 'afk/llms';
import { InMemoryStore } from 'afk/memory';
import { tool } from 'afk/tools';
import { z } from 'zod';
import { fmt, median, rotate } from './stats.js';
import { type Suite, type SuiteResult, target } from './suite.js';

const CONCURRENCY = 8;
const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
const LIMIT = 0.05;

function makeAgent(): Agent {
  const lookup = tool({
    name: 'lookup',
    description: 'lookup',
    args: z.object({ q: z.string() }),
    effects: 'pure',
    run: async ({ q }) => `found ${q}`,
  });
  const model = scripted(
    (req) => {
      const tools = req.messages.filter((m) => m.role === 'tool').length;
      const q = req.messages.findLast((m) => m.role === 'user')?.content as string;
      return tools === 0 ? { toolCalls: [{ name: 'lookup', args: { q } }] } : { text: `answer: ${q}` };
    },
    { keepRequests: false },
  );
  return new Agent({ name: 'bench-evals', model, tools: [lookup] });
}

function makeCases(n: number): EvalCase[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `case-${i}`,
    input: `question ${i}`,
    assertions: [finalTextContains(`question ${i}`)],
  }));
}

/** The same runs without the suite: a concurrency-8 pool over `runner.run`, checking each answer. */
async function plainRuns(agent: Agent, cases: EvalCase[]): Promise<number> {
  const runner = new Runner({ store: new InMemoryStore() });
  let next = 0;
  let ok = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (;;) {
      const c = cases[next++];
      if (!c) return;
      const r = await runner.run(agent, { userMessage: c.input });
      if (r.state === 'completed' && r.finalText.includes(c.input as string)) ok++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const ms = performance.now() - t0;
  if (ok !== cases.length) throw new Error(`plain runs: ${ok}/${cases.length} answered`);
  return ms;
}

async function suiteRuns(agent: Agent, cases: EvalCase[]): Promise<number> {
  const runner = new Runner({ store: new InMemoryStore() });
  const t0 = performance.now();
  const report = await runSuite({ cases, agent, runner, concurrency: CONCURRENCY });
  const ms = performance.now() - t0;
  if (report.summary.passed !== cases.length)
    throw new Error(`runSuite: ${report.summary.passed}/${cases.length} passed`);
  return ms;
}

export const suite: Suite = {
  id: 'evals',
  title: 'Eval suite overhead',
  async run(ctx): Promise<SuiteResult> {
    // The issue's figure: 1,000 cases at concurrency 8, in quick runs too (fewer repetitions).
    const n = 1000;
    const reps = ctx.quick ? 5 : 15;
    const warmups = ctx.quick ? 1 : 3;
    const agent = makeAgent();
    const cases = makeCases(n);
    const plain: number[] = [];
    const withSuite: number[] = [];
    const kinds = [
      { id: 'plain', run: () => plainRuns(agent, cases), out: plain },
      { id: 'suite', run: () => suiteRuns(agent, cases), out: withSuite },
    ];
    for (let rep = 0; rep < warmups + reps; rep++) {
      for (const k of rotate(kinds, rep)) {
        globalThis.gc?.();
        const ms = await k.run();
        if (rep >= warmups) k.out.push(ms);
      }
      ctx.log(`  N=${n} ${rep < warmups ? 'warm-up' : 'rep'} done`);
    }
    const p = median(plain);
    const s = median(withSuite);
    // Each rep measures both back to back: the median of the per-rep ratios cancels the drift a
    // shared machine adds (other processes, GC debt), which medians of each side alone do not.
    const overhead = median(plain.map((pm, i) => withSuite[i]! / pm)) - 1;
    return {
      id: 'evals',
      title: 'Eval suite overhead',
      tables: [
        {
          title: `Eval suite overhead (${n} scripted cases, concurrency ${CONCURRENCY}, median of ${reps})`,
          columns: ['', 'total ms', 'µs / case'],
          rows: [
            ['runner.run alone', fmt(p), fmt((p * 1000) / n)],
            ['runSuite', fmt(s), fmt((s * 1000) / n)],
            [
              'overhead (median of per-rep ratios)',
              `${fmt(overhead * 100, 2)}%`,
              fmt(overhead * ((p * 1000) / n)),
            ],
          ],
        },
      ],
      targets: [
        target({
          id: 'evals.suite-overhead',
          description: `runSuite over ${n} scripted cases vs the same runs through runner.run (concurrency ${CONCURRENCY})`,
          actual: Math.round(overhead * 10_000) / 100,
          limit: LIMIT * 100,
          comparison: '<=',
          unit: '%',
        }),
      ],
      data: { n, concurrency: CONCURRENCY, reps, plainMs: plain, suiteMs: withSuite, overhead },
      notes: [
        `evals: load average ${loadAverage()} while measuring (2 cores shared); per-rep ratios ${plain
          .map((pm, i) => `${fmt((withSuite[i]! / pm - 1) * 100, 1)}%`)
          .join(', ')}`,
      ],
    };
  },
};
