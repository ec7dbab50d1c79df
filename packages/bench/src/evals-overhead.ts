/**
 * Eval-suite overhead: `runSuite` over 1,000 scripted cases (one tool round trip each, one
 * assertion) against the same 1,000 runs through `runner.run` alone, both at concurrency 8. The
 * difference is what the suite adds: validating the cases, scheduling, trial bookkeeping, budget
 * and assertion checks, aggregation and the saved report. Target: ≤ 5 % over the plain runs.
 *
 * How it is measured, and why. A scripted run takes ~60–120 µs, so 1,000 of them are ~0.1 s, and
 * on two shared cores V8's background threads (concurrent marking, compilation) make such samples
 * swing by ±50 %: whichever side happens to run while the heap is being marked pays for both.
 * So the measurement runs in a child process with `--single-threaded` (the GC and the compiler
 * work on the thread that causes them, and each side pays for its own allocations); no `gc()` is
 * forced between samples (a forced full GC shrinks the young generation and drops optimised code,
 * so every sample started cold); a sample is `SUITES_PER_SAMPLE` back-to-back suites; the sides
 * alternate who goes first; and the figure is the ratio of the totals over every rep.
 */

import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONCURRENCY, type Samples, SUITES_PER_SAMPLE } from './evals-overhead/measure.js';
import { fmt, median } from './stats.js';
import { type Suite, type SuiteContext, type SuiteResult, target } from './suite.js';

const here = dirname(fileURLToPath(import.meta.url));
const benchRoot = join(here, '..');
const LIMIT = 0.05;
const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');

/** Runs the measurement in a `--single-threaded` child; progress lines pass through to `ctx.log`. */
function measureInChild(ctx: SuiteContext, n: number, reps: number, warmups: number): Promise<Samples> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--single-threaded',
        '--import',
        join(benchRoot, 'register.mjs'),
        join(here, 'evals-overhead', 'child.ts'),
        String(n),
        String(reps),
        String(warmups),
      ],
      { cwd: benchRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      for (const line of d.split('\n')) if (line.trim()) ctx.log(line);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`evals measurement exited ${code}: ${err.slice(-2000)}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as Samples);
      } catch (e) {
        reject(new Error(`evals measurement printed no result: ${String(e)}; ${out.slice(-500)}`));
      }
    });
  });
}

export const suite: Suite = {
  id: 'evals',
  title: 'Eval suite overhead',
  async run(ctx): Promise<SuiteResult> {
    // The issue's figure: 1,000 cases at concurrency 8, in quick runs too (fewer repetitions).
    const n = 1000;
    const reps = ctx.quick ? 6 : 20;
    const warmups = ctx.quick ? 1 : 2;
    const { plain, suite: withSuite } = await measureInChild(ctx, n, reps, warmups);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const p = sum(plain) / plain.length;
    const s = sum(withSuite) / withSuite.length;
    // The suite's total time over every rep against the plain runs' total.
    const overhead = sum(withSuite) / sum(plain) - 1;
    const perRep = median(plain.map((pm, i) => withSuite[i]! / pm)) - 1;
    return {
      id: 'evals',
      title: 'Eval suite overhead',
      tables: [
        {
          title: `Eval suite overhead (${n} scripted cases, concurrency ${CONCURRENCY}; ${reps} reps of ${SUITES_PER_SAMPLE} suites each side, single-threaded V8)`,
          columns: ['', 'mean ms / suite', 'µs / case'],
          rows: [
            ['runner.run alone', fmt(p), fmt((p * 1000) / n)],
            ['runSuite', fmt(s), fmt((s * 1000) / n)],
            [
              'overhead (total over every rep)',
              `${fmt(overhead * 100, 2)}%`,
              fmt(overhead * ((p * 1000) / n)),
            ],
            ['overhead (median of per-rep ratios)', `${fmt(perRep * 100, 2)}%`, ''],
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
      data: {
        n,
        concurrency: CONCURRENCY,
        reps,
        suitesPerSample: SUITES_PER_SAMPLE,
        plainMs: plain,
        suiteMs: withSuite,
        overhead,
        perRepOverhead: perRep,
      },
      notes: [
        `evals: load average ${loadAverage()} while measuring (2 cores shared); per-rep ratios ${plain
          .map((pm, i) => `${fmt((withSuite[i]! / pm - 1) * 100, 1)}%`)
          .join(', ')}`,
      ],
    };
  },
};
