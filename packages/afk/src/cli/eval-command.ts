// `afk eval <suite file>`: runs an eval suite, shows progress, prints a summary, writes reports.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Runner } from '../core/runner.js';
import { isAfkError } from '../errors/index.js';
import {
  fileJudgeCache,
  parseBaseline,
  REPORT_FILES,
  type ReporterName,
  type RunSuiteOptions,
  runSuite,
} from '../evals/index.js';
import { parseCommand } from './args.js';
import { EVAL_OPTIONS, type EvalFlags } from './eval-args.js';
import { loadSuite } from './eval-suite-file.js';
import { EvalProgress, printSummary } from './eval-view.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import type { CliIO } from './session.js';
import { colourWanted, makeStyle } from './style.js';
import { EVAL_USAGE } from './usage.js';

const REPORTERS: ReporterName[] = ['json', 'junit', 'markdown', 'html'];

function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(EXIT.usage, `--${name} must be a positive integer, got '${raw}'`);
  return n;
}

function reporters(raw: string | undefined): ReporterName[] {
  if (raw === undefined) return REPORTERS;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !REPORTERS.includes(n as ReporterName));
  if (unknown.length || !names.length) {
    throw new CliError(EXIT.usage, `--reporter takes a list of ${REPORTERS.join(', ')}; got '${raw}'`);
  }
  return names as ReporterName[];
}

async function readBaseline(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(resolve(file), 'utf8');
  } catch {
    throw new CliError(EXIT.noSuchFile, `no such file: ${file} (from --baseline)`);
  }
  try {
    return parseBaseline(JSON.parse(text), file);
  } catch (e) {
    if (isAfkError(e)) throw new CliError(EXIT.badInput, `${e.message}`);
    throw new CliError(EXIT.badInput, `${file} is not JSON: ${(e as Error).message}`);
  }
}

/** `--devtools URL`: checked, then refused until `devtoolsBridge` ships in this build. */
function checkDevtools(url: string | undefined): void {
  if (url === undefined) return;
  try {
    new URL(url);
  } catch {
    throw new CliError(EXIT.usage, `--devtools needs a URL such as http://127.0.0.1:4318, got '${url}'`);
  }
}

/**
 * `--devtools URL`: the suite's runs go through `devtoolsBridge` to a running `afk devtools`
 * (token from AFK_DEVTOOLS_TOKEN). A suite that brings its own runner keeps it: its store is
 * the suite's business, so that combination is refused rather than silently not streamed.
 */
async function devtoolsRunner(
  url: string | undefined,
  suite: RunSuiteOptions,
  file: string,
  env: CliIO['env'],
): Promise<{ runner: Runner; close(): Promise<void> } | undefined> {
  if (url === undefined) return undefined;
  if (suite.runner)
    throw new CliError(
      EXIT.unsupported,
      `--devtools: the suite ${file} brings its own runner; wrap its store with devtoolsBridge({ url }).wrap(store) in the suite instead`,
    );
  const [{ devtoolsBridge }, { InMemoryStore }, { Runner: RunnerClass }] = await Promise.all([
    import('../devtools-bridge/index.js'),
    import('../memory/index.js'),
    import('../core/index.js'),
  ]);
  const token = env.AFK_DEVTOOLS_TOKEN;
  const bridge = devtoolsBridge({ url, source: `afk eval ${file}`, ...(token ? { token } : {}) });
  const runner = new RunnerClass({ store: bridge.wrap(new InMemoryStore()) });
  return { runner, close: () => bridge.close() };
}

export async function evalCommand(args: string[], io: CliIO): Promise<ExitCode> {
  const { values, positionals } = parseCommand<EvalFlags>('eval', args, EVAL_OPTIONS);
  if (values.help) {
    io.stdout.write(EVAL_USAGE);
    return EXIT.ok;
  }
  const [file, ...extra] = positionals;
  if (!file)
    throw new CliError(
      EXIT.usage,
      'afk eval needs a suite file: afk eval <suite file> (see `afk eval --help`)',
    );
  if (extra.length)
    throw new CliError(EXIT.usage, `afk eval takes one suite file; got also ${extra.join(' ')}`);
  const concurrency = positiveInt('concurrency', values.concurrency);
  const repeat = positiveInt('repeat', values.repeat);
  const names = reporters(values.reporter);
  let minPassRate: number | undefined;
  if (values['min-pass-rate'] !== undefined) {
    minPassRate = Number(values['min-pass-rate']);
    if (!(minPassRate >= 0 && minPassRate <= 1))
      throw new CliError(EXIT.usage, '--min-pass-rate is a number from 0 to 1');
  }
  if (values['fail-on-regression'] && !values.baseline) {
    throw new CliError(EXIT.usage, '--fail-on-regression needs --baseline <report.json>');
  }
  checkDevtools(values.devtools);
  const baseline = values.baseline === undefined ? undefined : await readBaseline(values.baseline);

  let suite: RunSuiteOptions;
  try {
    suite = await loadSuite(file, values.agent);
  } catch (e) {
    if (isAfkError(e) && e.code === 'invalid_config') throw new CliError(EXIT.badInput, e.message);
    throw e;
  }

  const style = makeStyle(colourWanted(io.stdout, io.env, values['no-color'] === true));
  const errStyle = makeStyle(colourWanted(io.stderr, io.env, values['no-color'] === true));
  const progress =
    values.quiet || values.json ? undefined : new EvalProgress(io.stderr, errStyle, io.stderr.isTTY === true);
  const devtools = await devtoolsRunner(values.devtools, suite, file, io.env);
  const report = await runSuite({
    ...suite,
    ...(devtools ? { runner: devtools.runner } : {}),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(repeat === undefined ? {} : { repeat }),
    ...(minPassRate === undefined ? {} : { minPassRate }),
    ...(values['fail-fast'] ? { failFast: true } : {}),
    ...(baseline === undefined ? {} : { baseline }),
    ...(values['fail-on-regression'] ? { failOnRegression: true } : {}),
    judgeCache:
      suite.judgeCache ?? fileJudgeCache(resolve(values['judge-cache'] ?? join('.afk', 'judge-cache.json'))),
    reporters: names,
    onProgress: (p) => {
      suite.onProgress?.(p);
      progress?.update(p);
    },
  });
  progress?.end();
  await devtools?.close();

  const outDir = resolve(values.out ?? 'eval-report');
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const name of names) {
    const text = report.outputs[name];
    if (text === undefined) continue;
    const path = join(outDir, REPORT_FILES[name]);
    await writeFile(path, text, 'utf8');
    written.push(path);
  }
  if (values.json)
    io.stdout.write(report.outputs.json ?? `${JSON.stringify({ ...report, outputs: undefined }, null, 2)}\n`);
  else if (!values.quiet) {
    printSummary(io.stdout, style, report);
    for (const p of written) io.stdout.write(style.dim(`wrote ${p}\n`));
  } else
    io.stdout.write(
      `${report.passed ? 'PASSED' : 'FAILED'} ${report.summary.passed}/${report.summary.total}\n`,
    );

  if (values['fail-on-regression'] && report.baseline?.regressed.length) return EXIT.regressed;
  return report.passed ? EXIT.ok : EXIT.runFailed;
}
