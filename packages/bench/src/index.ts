/**
 * AFK benchmarks: runs the registered suites, prints their tables and target verdicts, and writes
 * results/latest.json (results/quick.json with --quick). A full run of all suites also refreshes the
 * results section of README.md.
 *
 *   npm run bench -w @afk/bench                      # full run (root `npm run bench` builds afk first)
 *   npm run bench:quick -w @afk/bench                # fewer repetitions, for smoke tests
 *   npm run bench -w @afk/bench -- --only bundle     # a subset, by suite id
 *
 * To add a suite, append to `suites` below. Modules other packages may add later are registered
 * with `optional(...)`: they are imported only if the file exists, and may export either a `suite`
 * (the `Suite` interface in suite.ts) or a named function returning a `SuiteResult` or any JSON.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeEnvironment } from './env.js';
import { type Report, renderMarkdown, renderTable, targetsTable, updateReadme } from './report.js';
import type { Suite, SuiteContext, SuiteResult } from './suite.js';

const here = dirname(fileURLToPath(import.meta.url));
const benchRoot = join(here, '..');

interface SuiteEntry {
  id: string;
  /** Optional suites are skipped silently when their module is absent. */
  optional: boolean;
  load: () => Promise<Suite | null>;
}

/**
 * An optional suite in `src/<file>`: uses its `suite` export if it has one, else wraps the named
 * function (called with the suite context) as a suite.
 */
function optional(id: string, title: string, file: string, fnName: string): SuiteEntry {
  return {
    id,
    optional: true,
    load: async () => {
      const path = join(here, file);
      if (!existsSync(path)) return null;
      const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
      if (isSuite(mod.suite)) return mod.suite;
      const fn = mod[fnName];
      if (typeof fn !== 'function') throw new Error(`${file} exports neither \`suite\` nor \`${fnName}()\``);
      return {
        id,
        title,
        run: async (ctx) => {
          const out: unknown = await fn(ctx);
          return isSuiteResult(out) ? out : { id, title, tables: [], targets: [], data: out, notes: [] };
        },
      };
    },
  };
}

export const suites: SuiteEntry[] = [
  { id: 'overhead', optional: false, load: async () => (await import('./overhead/suite.js')).overheadSuite },
  { id: 'bundle', optional: false, load: async () => (await import('./bundle/suite.js')).bundleSuite },
  { id: 'evals', optional: false, load: async () => (await import('./evals-overhead.js')).suite },
  optional('llm-latency', 'LLM latency', 'llm-latency.ts', 'runLlmBench'),
  optional('dexie-chromium', 'Dexie store in Chromium', 'dexie-chromium.ts', 'runDexieBench'),
  optional('interop', 'MCP and A2A round trips', 'interop.ts', 'run'),
  optional('workers', 'Workers and durable stores', 'workers.ts', 'runWorkersBench'),
  optional('run-view-chromium', 'Devtools run view in Chromium', 'run-view-chromium.ts', 'runRunViewBench'),
  optional('devtools-ui', 'Devtools UI', 'devtools-ui.ts', 'runDevtoolsUiBench'),
  optional(
    'eval-dashboard-chromium',
    'Devtools eval dashboard in Chromium',
    'eval-dashboard-chromium.ts',
    'runEvalDashboardBench',
  ),
];

function isSuite(v: unknown): v is Suite {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Suite).run === 'function' &&
    typeof (v as Suite).id === 'string'
  );
}

function isSuiteResult(v: unknown): v is SuiteResult {
  return (
    typeof v === 'object' &&
    v !== null &&
    Array.isArray((v as SuiteResult).tables) &&
    Array.isArray((v as SuiteResult).targets)
  );
}

function parseArgs(argv: string[]): { quick: boolean; only: Set<string> | null; readme: boolean } {
  const only = argv.flatMap((a, i) =>
    a.startsWith('--only=') ? a.slice(7).split(',') : a === '--only' ? (argv[i + 1] ?? '').split(',') : [],
  );
  return {
    quick: argv.includes('--quick'),
    only: only.length > 0 ? new Set(only.filter(Boolean)) : null,
    readme: !argv.includes('--no-readme'),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const ctx: SuiteContext = { quick: args.quick, log: (m) => process.stderr.write(`${m}\n`) };
  const environment = describeEnvironment();
  if (!environment.gcExposed) ctx.log('warning: gc() not exposed; run node with --expose-gc');

  const report: Report = {
    schema: 1,
    mode: args.quick ? 'quick' : 'full',
    environment,
    suites: {},
    targets: [],
    pass: null,
  };
  let ranAllRequired = true;
  for (const entry of suites) {
    if (args.only && !args.only.has(entry.id)) {
      if (!entry.optional) ranAllRequired = false;
      continue;
    }
    try {
      const suite = await entry.load();
      if (!suite) continue;
      ctx.log(`▶ ${suite.title}`);
      const result = await suite.run(ctx);
      report.suites[entry.id] = result;
      report.targets.push(...result.targets);
      console.log();
      for (const t of result.tables) console.log(`${renderTable(t)}\n`);
      for (const n of result.notes) console.log(`note: ${n}`);
    } catch (error) {
      ranAllRequired = ranAllRequired && entry.optional;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      report.suites[entry.id] = { id: entry.id, error: message };
      console.error(`✖ suite ${entry.id} failed: ${message}`);
    }
  }

  const measured = report.targets.filter((t) => t.pass !== null);
  report.pass = measured.length === 0 ? null : measured.every((t) => t.pass);
  console.log(`\n${renderTable(targetsTable(report.targets))}\n`);
  console.log(`overall: ${report.pass === null ? 'nothing measured' : report.pass ? 'PASS' : 'FAIL'}`);

  const out = join(benchRoot, 'results', args.quick ? 'quick.json' : 'latest.json');
  await mkdir(dirname(out), { recursive: true });
  // `--only` replaces its suites' results in the results file and keeps the others' last ones,
  // so one suite can be re-measured on its own (the file's `environment` is then this run's).
  if (args.only && existsSync(out)) {
    const prev = JSON.parse(await readFile(out, 'utf8')) as Report;
    if (prev.schema === report.schema && prev.mode === report.mode) {
      const merged: Report['suites'] = {};
      for (const entry of suites) {
        const s = report.suites[entry.id] ?? prev.suites[entry.id];
        if (s) merged[entry.id] = s;
      }
      report.suites = merged;
      report.targets = Object.values(merged).flatMap((s) => ('targets' in s ? s.targets : []));
      const all = report.targets.filter((t) => t.pass !== null);
      report.pass = all.length === 0 ? null : all.every((t) => t.pass);
      ranAllRequired = suites.every((e) => e.optional || e.id in merged);
      console.log(`kept the other suites' results from ${out}`);
    }
  }
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${out}`);
  if (!args.quick && ranAllRequired && args.readme) {
    const readme = join(benchRoot, 'README.md');
    if (existsSync(readme) && (await updateReadme(readme, renderMarkdown(report))))
      console.log(`updated ${readme}`);
  }
  // A failed target is a finding, not a crash: the exit code stays 0 unless a suite itself broke.
  if (Object.values(report.suites).some((s) => 'error' in s)) process.exitCode = 1;
}

await main();
