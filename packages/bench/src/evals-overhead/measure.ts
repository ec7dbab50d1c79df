/**
 * The measurement of the eval-suite overhead benchmark, run in a child process (see
 * `../evals-overhead.ts` for why): plain `runner.run` pools against `runSuite`, the same 1,000
 * scripted cases each, alternating, `SUITES_PER_SAMPLE` suites per timed sample.
 */

import { Agent } from 'afk/agents';
import { Runner } from 'afk/core';
import { type EvalCase, finalTextContains, runSuite } from 'afk/evals';
import { scripted } from 'afk/llms';
import { InMemoryStore } from 'afk/memory';
import { tool } from 'afk/tools';
import { z } from 'zod';
import { rotate } from '../stats.js';

export const CONCURRENCY = 8;
/** Suites (of 1,000 cases) per timed sample: a major GC then lands in samples of both sides. */
export const SUITES_PER_SAMPLE = 5;

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

export interface Samples {
  /** Mean ms per suite of each timed sample, plain runs and runSuite, in the order taken. */
  plain: number[];
  suite: number[];
}

/** `warmups + reps` rounds, each timing one sample of each side (who goes first alternates). */
export async function measure(
  n: number,
  reps: number,
  warmups: number,
  log: (m: string) => void,
): Promise<Samples> {
  const agent = makeAgent();
  const cases = makeCases(n);
  const out: Samples = { plain: [], suite: [] };
  const kinds = [
    { run: () => plainRuns(agent, cases), out: out.plain },
    { run: () => suiteRuns(agent, cases), out: out.suite },
  ];
  for (let rep = 0; rep < warmups + reps; rep++) {
    for (const k of rotate(kinds, rep)) {
      let ms = 0;
      for (let i = 0; i < SUITES_PER_SAMPLE; i++) ms += await k.run();
      if (rep >= warmups) k.out.push(ms / SUITES_PER_SAMPLE);
    }
    log(`  N=${n} ${rep < warmups ? 'warm-up' : 'rep'} ${rep + 1}/${warmups + reps} done`);
  }
  return out;
}
