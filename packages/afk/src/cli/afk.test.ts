import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellQuote } from './format.js';
import { bundleAfk } from './test-support/bundle.js';
import { runCli } from './test-support/run-cli.js';

// The real `afk` command as a child process: bundled the way the package ships it, run on
// fixture agent modules written into a temp dir as a user would write them.
const dir = mkdtempSync(join(tmpdir(), 'afk-cli-'));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const ESC = String.fromCharCode(27);
let cli = '';
let lib = '';

const write = (name: string, body: string) => {
  const file = join(dir, name);
  writeFileSync(file, `import { Agent, scripted, tool, z } from ${JSON.stringify(lib)};\n${body}\n`);
  return file;
};
const afk = (args: string[], opts: { input?: string; env?: Record<string, string> } = {}) =>
  runCli(process.execPath, [cli, ...args], { cwd: dir, ...opts });

beforeAll(async () => {
  const b = await bundleAfk(join(dir, 'lib'));
  cli = b.cli;
  lib = b.lib;
  write(
    'agent.mjs',
    `
const add = tool({ name: 'add', description: 'add', args: z.object({ a: z.number(), b: z.number() }), effects: 'pure', run: async ({ a, b }) => a + b });
const del = tool({ name: 'delete_file', description: 'deletes', args: z.object({ path: z.string() }), needsApproval: true, run: async ({ path }) => 'deleted ' + path });
const last = (req) => req.messages.at(-1);
// Costs whose float sum is 0.000029999999999999997.
export const agent = new Agent({ name: 'calc', tools: [add], model: scripted((req) => last(req)?.role === 'tool'
  ? { text: 'the answer is 42', costUsd: 0.000019999999999999997 }
  : { toolCalls: [{ name: 'add', args: { a: 20, b: 22 } }], costUsd: 0.00001 }) });
export const risky = new Agent({ name: 'risky', tools: [del], model: scripted((req) => last(req)?.role === 'tool'
  ? { text: 'tool said: ' + last(req).content } : { toolCalls: [{ name: 'delete_file', args: { path: '/tmp/x' } }] }) });
export const broken = new Agent({ name: 'broken', model: scripted(() => { throw new Error('the model is down'); }) });
export const echo = new Agent({ name: 'echo', model: scripted((req) => ({ text: 'you said: ' + req.messages.at(-1).content })) });
export const helper = 1;`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('afk: command line', { timeout: 60_000 }, () => {
  it('--help / -h on every command prints to stdout and exits 0; bare `afk` is a usage error', async () => {
    for (const args of [
      ['--help'],
      ['-h'],
      ['help'],
      ['run', '--help'],
      ['run', 'x.mjs', '-h'],
      ['resume', '-h'],
      ['help', 'resume'],
    ]) {
      const r = await afk(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/usage: afk|afk — run AFK agents/);
      expect(r.stderr).toBe('');
    }
    expect((await afk(['run', '--help'])).stdout).toContain('exit codes:');
    const bare = await afk([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain('afk run <module>');
    expect((await afk(['--version'])).stdout.trim()).toBe(`afk ${pkg.version}`);
  });

  it('refuses unknown flags, commands and missing arguments with exit 2', async () => {
    const flag = await afk(['run', 'agent.mjs', 'hi', '--bogus']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^afk: Unknown option '--bogus'/);
    expect((await afk(['frobnicate'])).stderr).toContain("unknown command 'frobnicate'");
    expect((await afk(['run'])).stderr).toContain('afk run needs a module');
    const empty = await afk(['run', 'agent.mjs'], { input: '' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('the message read from stdin is empty');
    expect((await afk(['run', 'agent.mjs', 'two', 'words'])).stderr).toContain('quote it');
    expect((await afk(['run', 'agent.mjs', 'hi', '--context', '[1]'])).stderr).toContain('JSON object');
    expect((await afk(['resume', 'run_1'])).stderr).toContain('--store <dir>');
  });

  it('shows the run live: tool call with args and result, the text, then state, steps, tokens, cost, duration', async () => {
    const r = await afk(['run', 'agent.mjs', 'what is 20 + 22?']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('▸ add {"a":20,"b":22}');
    expect(lines[1]).toMatch(/^ {2}✓ 42 \(\d+ ms\)$/);
    expect(lines[2]).toBe('the answer is 42');
    expect(lines[3]).toMatch(
      /^─ completed · 2 steps · [\d,]+ tokens \([\d,]+ in, [\d,]+ out\) · \$0\.00003 · [\d.]+ m?s · run run_\w+$/,
    );
    expect(r.stdout).not.toContain('\x1b['); // not a TTY: no colours
    expect(r.stderr).toBe('');
  });

  it('takes flags anywhere (--json), prints only the text with --quiet, reads the message from stdin', async () => {
    const json = await afk(['run', 'agent.mjs', '--json', 'hi']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      state: 'completed',
      finalText: 'the answer is 42',
      toolExecutions: [{ toolName: 'add', output: 42 }],
    });
    const quiet = await afk(['run', '-q', 'agent.mjs', 'hi']);
    expect(quiet.stdout).toBe('the answer is 42\n');
    const piped = await afk(['run', 'agent.mjs', '--export', 'echo', '-q'], { input: 'hello from a pipe\n' });
    expect(piped.stdout).toBe('you said: hello from a pipe\n');
  });

  it('colours with FORCE_COLOR, and never with NO_COLOR or --no-color', async () => {
    expect((await afk(['run', 'agent.mjs', 'hi'], { env: { FORCE_COLOR: '1' } })).stdout).toContain(
      '\x1b[32m',
    );
    expect(
      (await afk(['run', 'agent.mjs', 'hi'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout,
    ).not.toContain('\x1b[');
    expect(
      (await afk(['run', 'agent.mjs', 'hi', '--no-color'], { env: { FORCE_COLOR: '1' } })).stdout,
    ).not.toContain('\x1b[');
  });
});

describe('afk: errors a person can act on', { timeout: 60_000 }, () => {
  it('a missing file: exit 3, the path as typed', async () => {
    const r = await afk(['run', './agnt.mjs', 'hi']);
    expect(r).toMatchObject({ code: 3, stdout: '' });
    expect(r.stderr).toBe('afk: no such file: ./agnt.mjs\n');
  });

  it('a syntax error: exit 4 with file, line and column', async () => {
    const bad = write('bad.mjs', 'export const agent = 1;\nconst = 5;');
    const r = await afk(['run', 'bad.mjs', 'hi']);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(`afk: syntax error at ${bad}:3:7: Unexpected token '='\n`);
  });

  it('a module that throws while loading: exit 4, its error, never "internal"', async () => {
    write('throws.mjs', "throw new Error('missing OPENAI_API_KEY');");
    const r = await afk(['run', 'throws.mjs', 'hi']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('failed to load: Error: missing OPENAI_API_KEY');
    expect(r.stderr).not.toContain('internal');
  });

  it('a module without the export: exit 5, listing the exports it has', async () => {
    const r = await afk(['run', 'agent.mjs', 'hi', '--export', 'agnt']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(
      "has no Agent export 'agnt' (its exports: agent (Agent), broken (Agent), echo (Agent), helper, risky (Agent))",
    );
  });

  it('a run that failed: exit 1 with its error code and message', async () => {
    const r = await afk(['run', 'agent.mjs', 'hi', '-e', 'broken']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^afk: run run_\w+ ended failed: [a-z_]+: .*the model is down/m);
    expect(r.stdout).toMatch(/─ failed · /);
  });

  it('a TypeScript module runs through tsx when installed', async () => {
    const tsDir = join(dir, 'ts');
    mkdirSync(join(tsDir, 'node_modules'), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules', 'tsx'), join(tsDir, 'node_modules', 'tsx'));
    writeFileSync(
      join(tsDir, 'agent.mts'),
      `import { Agent, scripted } from ${JSON.stringify(lib)};\nconst n: number = 7;\nexport const agent = new Agent({ name: 'ts', model: scripted([{ text: 'n=' + n }]) });\n`,
    );
    const r = await afk(['run', join(tsDir, 'agent.mts'), 'hi', '-q']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('n=7\n');
  });
});

describe('afk: approvals', { timeout: 60_000 }, () => {
  it('not interactive: the run pauses (exit 6) and says how to continue', async () => {
    const r = await afk(['run', 'agent.mjs', 'delete it', '-e', 'risky'], { input: '' });
    expect(r.code).toBe(6);
    expect(r.stdout).toContain('? approval needed: delete_file {"path":"/tmp/x"}');
    expect(r.stdout).toMatch(/─ interrupted · /);
    expect(r.stderr).toMatch(/paused: run run_\w+ is waiting for 1 approval/);
    expect(r.stderr).toContain('or with --store DIR to decide later with `afk resume`');
  });

  it('--interactive with piped answers: approve, edit the arguments, reject with a reason', async () => {
    const approve = await afk(['run', 'agent.mjs', 'delete it', '-e', 'risky', '-i', '-q'], { input: 'a\n' });
    expect(approve.code).toBe(0);
    expect(approve.stdout).toBe('tool said: deleted /tmp/x\n');
    expect(approve.stderr).toContain('[a]pprove / [r]eject / [e]dit? a');

    const edit = await afk(['run', 'agent.mjs', 'delete it', '-e', 'risky', '-i'], {
      input: 'e\nnot json\ne\n{"path":"/tmp/y"}\n',
    });
    expect(edit.code).toBe(0);
    expect(edit.stderr).toContain('not JSON');
    expect(edit.stdout).toContain('▸ delete_file {"path":"/tmp/y"}');
    expect(edit.stdout).toContain('tool said: deleted /tmp/y');

    const reject = await afk(['run', 'agent.mjs', 'delete it', '-e', 'risky', '-i', '-q'], {
      input: 'maybe\nr\ntoo risky\n',
    });
    expect(reject.code).toBe(0);
    expect(reject.stderr).toContain('answer one of: [a]pprove, [r]eject, [e]dit');
    expect(reject.stdout).toContain('too risky');
    expect(reject.stdout).not.toContain('deleted');

    // End of input before an answer: rejected, never approved.
    const eof = await afk(['run', 'agent.mjs', 'delete it', '-e', 'risky', '-i', '-q'], { input: '' });
    expect(eof.stdout).toContain('no answer');
  });

  it('in a terminal (a pseudo-terminal via `script`), asks the approval there, in colour', async () => {
    const cmd = [process.execPath, cli, 'run', 'agent.mjs', 'delete it', '-e', 'risky']
      .map(shellQuote)
      .join(' ');
    const r = await runCli('script', ['-qec', cmd, '/dev/null'], { cwd: dir, input: 'a\n' });
    const plain = r.stdout.replace(/\r/g, '').replace(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\x1b[');
    expect(plain).toContain('? delete_file {"path":"/tmp/x"}\n  [a]pprove / [r]eject / [e]dit?');
    expect(plain).toContain('approved (by interaction_provider)');
    expect(plain).toContain('tool said: deleted /tmp/x');
    expect(plain).toMatch(/─ completed · 2 steps/);
  });
});
