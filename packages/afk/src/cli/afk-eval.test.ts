import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SuiteReport } from '../evals/index.js';
import { bundleAfk } from './test-support/bundle.js';
import { runCli } from './test-support/run-cli.js';

// The real `afk eval` as a child process, on suite modules and cases files written as a user would.
const dir = mkdtempSync(join(tmpdir(), 'afk-eval-cli-'));
const ESC = String.fromCharCode(27);
let cli = '';
let lib = '';

const write = (name: string, body: string) => {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
};
const afk = (args: string[], env: Record<string, string> = {}) =>
  runCli(process.execPath, [cli, ...args], { cwd: dir, env, timeoutMs: 30_000 });

beforeAll(async () => {
  const b = await bundleAfk(join(dir, 'lib'));
  cli = b.cli;
  lib = b.lib;
  const header = `import { Agent, scripted, tool, z, toolCalled, finalTextContains, toolSequence } from ${JSON.stringify(lib)};\n`;
  write(
    'agent.mjs',
    `${header}
const search = tool({ name: 'search', description: 's', args: z.object({ q: z.string() }), effects: 'pure', run: async ({ q }) => 'found ' + q });
const user = (req) => req.messages.findLast((m) => m.role === 'user').content;
const model = (good) => scripted((req) => req.messages.some((m) => m.role === 'tool')
  ? { text: good ? 'answer: ' + user(req) : 'no idea', costUsd: 0.001 }
  : { toolCalls: [{ name: 'search', args: { q: user(req) } }], costUsd: 0.001 });
export const agent = new Agent({ name: 'research', tools: [search], model: model(true) });
export const worse = new Agent({ name: 'research', tools: [search], model: model(false) });
`,
  );
  write(
    'suite.mjs',
    `${header}import { agent } from './agent.mjs';
export const cases = ['paris', 'rome', 'oslo'].map((city) => ({
  id: city, input: 'weather in ' + city,
  assertions: [toolCalled('search', { q: 'weather in ' + city }), toolSequence(['search']), finalTextContains(city)],
}));
export { agent };
`,
  );
  write(
    'failing.mjs',
    `${header}import { worse } from './agent.mjs';
export default { name: 'failing', casesFile: 'cases.yaml', agent: worse };
`,
  );
  write(
    'cases.yaml',
    `- id: paris
  input: weather in paris
  assertions:
    - { type: finalTextContains, text: paris }
- id: rome
  input: weather in rome
  assertions:
    - { type: toolSequence, names: [search], mode: exact }
`,
  );
  write(
    'bad-cases.yaml',
    `- id: a\n  input: 3\n- input: no id\n  budget: { maxSteps: -2 }\n- id: a\n  input: dup\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('afk eval', { timeout: 90_000 }, () => {
  it('runs a suite module: progress lines, a summary table, four reports, exit 0', async () => {
    const r = await afk(['eval', 'suite.mjs', '--out', 'out1', '--concurrency', '2']);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines.map((l) => l.slice(0, 6))).toEqual(['[1/3] ', '[2/3] ', '[3/3] ']);
    expect(lines.map((l) => l.slice(6)).sort()).toEqual(['oslo passed', 'paris passed', 'rome passed']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cases\s+3/);
    expect(r.stdout).toMatch(/passed\s+3/);
    expect(r.stdout).toMatch(/pass rate\s+100\.0%/);
    expect(r.stdout).toMatch(/cost\s+\$0\.006/);
    expect(r.stdout).toContain('PASSED');
    expect(r.stdout).not.toContain(ESC);
    for (const f of ['report.json', 'junit.xml', 'report.md', 'report.html'])
      expect(r.stdout).toContain(join(dir, 'out1', f));
    const report = JSON.parse(readFileSync(join(dir, 'out1', 'report.json'), 'utf8')) as SuiteReport;
    expect(report.summary).toMatchObject({ total: 3, passed: 3 });
    expect(readFileSync(join(dir, 'out1', 'junit.xml'), 'utf8')).toContain(
      '<testsuites name="suite" tests="3" failures="0" errors="0"',
    );
  });

  it('a failing suite exits 1 and names each case with why; --reporter picks the files', async () => {
    const r = await afk(['eval', 'failing.mjs', '--out', 'out2', '--reporter', 'junit']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('not passed:');
    expect(r.stdout).toMatch(/failed\s+paris: the final text "no idea" lacks "paris"/);
    expect(r.stdout).toContain('FAILED');
    expect(r.stdout).toContain(join(dir, 'out2', 'junit.xml'));
    expect(r.stdout).not.toContain('report.json');
  });

  it('a JSON/YAML cases file runs with --agent; without it is a usage error', async () => {
    const ok = await afk(['eval', 'cases.yaml', '--agent', 'agent.mjs#agent', '--out', 'out3', '--quiet']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('PASSED 2/2\n');
    const worse = await afk(['eval', 'cases.yaml', '--agent', 'agent.mjs#worse', '--out', 'out3', '--json']);
    expect(worse.code, worse.stderr).toBe(1);
    expect((JSON.parse(worse.stdout) as SuiteReport).summary).toMatchObject({
      total: 2,
      passed: 1,
      failed: 1,
    });
    const missing = await afk(['eval', 'cases.yaml']);
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toContain('--agent <module>#<export>');
  });

  it('a malformed cases file exits 10 listing every issue', async () => {
    const r = await afk(['eval', 'bad-cases.yaml', '--agent', 'agent.mjs', '--out', 'out4']);
    expect(r.code, r.stderr).toBe(10);
    expect(r.stderr).toContain('problems in the eval cases');
    for (const path of ['0.input', '1.id', '1.budget.maxSteps', '2.id'])
      expect(r.stderr).toContain(`- ${path}:`);
  });

  it('behaviour 53: a baseline with the case passing and a current run failing marks it regressed; --fail-on-regression exits 9', async () => {
    const base = await afk([
      'eval',
      'cases.yaml',
      '--agent',
      'agent.mjs#agent',
      '--out',
      'base',
      '--reporter',
      'json',
    ]);
    expect(base.code, base.stderr).toBe(0);
    const baseline = join('base', 'report.json');
    const tolerated = await afk([
      'eval',
      'cases.yaml',
      '--agent',
      'agent.mjs#worse',
      '--out',
      'cur',
      '--baseline',
      baseline,
      '--min-pass-rate',
      '0.5',
    ]);
    expect(tolerated.code, tolerated.stderr).toBe(0);
    expect(tolerated.stdout).toContain('against baseline: 1 regressed, 0 improved, 1 unchanged, 0 new');
    const strict = await afk([
      'eval',
      'cases.yaml',
      '--agent',
      'agent.mjs#worse',
      '--out',
      'cur',
      '--baseline',
      baseline,
      '--min-pass-rate',
      '0.5',
      '--fail-on-regression',
    ]);
    expect(strict.code, strict.stderr).toBe(9);
    expect(strict.stdout).toMatch(/regressed paris/);
    const report = JSON.parse(readFileSync(join(dir, 'cur', 'report.json'), 'utf8')) as SuiteReport;
    expect(report.cases.find((c) => c.id === 'paris')?.baseline).toBe('regressed');
    write('not-a-report.json', '{"hello": 1}');
    const bad = await afk(['eval', 'cases.yaml', '--agent', 'agent.mjs', '--baseline', 'not-a-report.json']);
    expect(bad.code, bad.stderr).toBe(10);
    expect(bad.stderr).toContain('is not an eval suite report');
  });

  it('--repeat reports trials; bad flags, missing files and --devtools get their exit codes', async () => {
    const r = await afk(['eval', 'suite.mjs', '--repeat', '3', '--out', 'out5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as SuiteReport;
    expect(report.summary.trials).toBe(9);
    expect(report.cases[0]!.stability?.agreement).toBe(1);
    expect((await afk(['eval', 'nowhere.mjs'])).code).toBe(3);
    expect((await afk(['eval', 'suite.mjs', '--concurrency', '0'])).stderr).toContain(
      '--concurrency must be a positive integer',
    );
    expect((await afk(['eval', 'suite.mjs', '--reporter', 'pdf'])).code).toBe(2);
    expect((await afk(['eval', 'suite.mjs', '--fail-on-regression'])).code).toBe(2);
    expect((await afk(['eval', 'suite.mjs', '--devtools', 'not a url'])).code).toBe(2);
    // --devtools streams the suite's runs into a running `afk devtools` server.
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { startDevtoolsServer } = await import('../devtools-bridge/server/server.js');
    const server = await startDevtoolsServer({
      port: 0,
      appDir: mkdtempSync(join(tmpdir(), 'afk-eval-app-')),
    });
    try {
      const dt = await afk(['eval', 'suite.mjs', '--devtools', server.url, '--quiet', '--out', 'out6']);
      expect(dt.code, dt.stderr).toBe(0);
      expect(server.stats().batches).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
    const help = await afk(['eval', '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('usage: afk eval <suite file>');
    expect((await afk(['--help'])).stdout).toContain('afk eval <suite file>');
  });
});
