import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAfk } from '../cli/test-support/bundle.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { runAgentSync } from './run-sync.js';
import { Runner } from './runner.js';

// runSync loads plain JavaScript in its worker (the built package): bundle the worker and a
// library the fixture modules import, then write each fixture as a user would.
const root = mkdtempSync(join(tmpdir(), 'afk-runsync-'));
const lib = join(root, 'lib');
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
let libPath = '';

const fixture = (name: string, body: string, dir = root) => {
  const file = join(dir, name);
  writeFileSync(file, `import { Agent, scripted, tool, z } from ${JSON.stringify(libPath)};\n${body}\n`);
  return file;
};
/** An agent calling `tool` once with `{}` then answering `text`; the script keys off the messages, so it repeats. */
const agentWith = (toolBody: string, text = 'done', extra = '') => `
const t = tool({ name: 't', description: 'fixture tool', args: z.object({}), effects: 'pure', run: async () => { ${toolBody} } });
export const agent = new Agent({ name: 'fixture', model: scripted((req) =>
  req.messages.at(-1)?.role === 'tool' ? { text: ${JSON.stringify(text)} } : { toolCalls: [{ name: 't', args: {} }] }),
  tools: [t] ${extra} });`;

beforeAll(async () => {
  const b = await bundleAfk(lib);
  process.env.AFK_RUN_SYNC_WORKER = b.worker;
  libPath = b.lib;
});
afterAll(() => {
  delete process.env.AFK_RUN_SYNC_WORKER;
  rmSync(root, { recursive: true, force: true });
});

const view = { config: new Runner().config, customStore: false, customLlms: false };

describe('runSync (Node)', { timeout: 60_000 }, () => {
  it('blocks the calling thread until the run ends, async tools included', () => {
    const file = fixture(
      'calc.mjs',
      agentWith('await new Promise((r) => setTimeout(r, 20)); return 42;', 'the answer is 42'),
    );
    let timerFired = false;
    setTimeout(() => {
      timerFired = true;
    }, 0);
    const result = new Runner().runSync({ module: file }, { userMessage: 'go', timeoutMs: 15_000 });
    // Truly blocking: this thread's timers could not run while waiting.
    expect(timerFired).toBe(false);
    expect(result.state).toBe('completed');
    expect(result.finalText).toBe('the answer is 42');
    expect(result.toolExecutions[0]).toMatchObject({ toolName: 't', output: 42 });
  });

  it('reuses a warm worker for repeated calls on one runner, and a thread keeps its memory', () => {
    const file = fixture(
      'warm.mjs',
      agentWith("const { threadId } = await import('node:worker_threads'); return threadId;"),
    );
    const runner = new Runner();
    const t0 = performance.now();
    const a = runner.runSync({ module: file }, { userMessage: 'one', threadId: 'th', timeoutMs: 15_000 });
    const cold = performance.now() - t0;
    const t1 = performance.now();
    const b = runner.runSync({ module: file }, { userMessage: 'two', threadId: 'th', timeoutMs: 15_000 });
    const warmMs = performance.now() - t1;
    expect(a.state).toBe('completed');
    expect(b.toolExecutions[0]!.output).toBe(a.toolExecutions[0]!.output);
    expect(warmMs).toBeLessThan(cold);
    // Another runner gets its own worker.
    const c = new Runner().runSync({ module: file }, { userMessage: 'x', timeoutMs: 15_000 });
    expect(c.toolExecutions[0]!.output).not.toBe(a.toolExecutions[0]!.output);
  });

  it('ends at once with worker_died when a tool timer throws (uncaught), and the next call works', () => {
    const file = fixture(
      'timer.mjs',
      agentWith("setTimeout(() => { throw new Error('boom in a timer'); }, 5); await new Promise(() => {});"),
    );
    const runner = new Runner();
    const t0 = Date.now();
    expect(() => runner.runSync({ module: file }, { timeoutMs: 20_000 })).toThrow(
      expect.objectContaining({ code: 'worker_died', message: expect.stringContaining('boom in a timer') }),
    );
    expect(Date.now() - t0).toBeLessThan(10_000);
    const ok = fixture('ok.mjs', agentWith('return 1;'));
    expect(runner.runSync({ module: ok }, { timeoutMs: 15_000 }).state).toBe('completed');
  });

  it('ends with worker_died when the module calls process.exit(3)', () => {
    const file = fixture('exits.mjs', `process.exit(3);\n${agentWith('return 1;')}`);
    expect(() => new Runner().runSync({ module: file }, { timeoutMs: 20_000 })).toThrow(
      expect.objectContaining({
        code: 'worker_died',
        message: expect.stringContaining('exited with code 3'),
      }),
    );
  });

  it('ends with worker_died when a tool runs the worker out of memory', () => {
    const file = fixture(
      'oom.mjs',
      agentWith('const keep = []; for (;;) keep.push(new Array(1e5).fill(Math.random()));'),
    );
    expect(() =>
      runAgentSync(
        { module: file },
        { timeoutMs: 30_000, resourceLimits: { maxOldGenerationSizeMb: 24 } },
        view,
      ),
    ).toThrow(
      expect.objectContaining({ code: 'worker_died', message: expect.stringContaining('out of memory') }),
    );
  });

  it('bounds every call with timeoutMs, a busy or a hung tool alike, and stops the worker', () => {
    const busy = fixture('busy.mjs', agentWith('for (;;) {}'));
    const hung = fixture('hung.mjs', agentWith('await new Promise(() => {});'));
    const runner = new Runner();
    for (const file of [busy, hung]) {
      const t0 = Date.now();
      expect(() => runner.runSync({ module: file }, { timeoutMs: 400 })).toThrow(
        expect.objectContaining({ code: 'timeout', message: expect.stringContaining('400 ms') }),
      );
      expect(Date.now() - t0).toBeLessThan(5_000);
    }
    // The default bound comes from the agent's maxWallTimeMs plus a margin; a fresh worker follows.
    const ok = fixture('ok2.mjs', agentWith('return 2;'));
    expect(runner.runSync({ module: ok }).state).toBe('completed');
    expect(() => runner.runSync({ module: ok }, { timeoutMs: -1 })).toThrow(/positive number/);
  });

  it('refuses what cannot cross threads instead of ignoring it', () => {
    const ok = fixture('ok3.mjs', agentWith('return 3;'));
    const custom = { ...new InMemoryStore(), write: async () => {} } as unknown as InMemoryStore;
    expect(() => new Runner({ store: custom }).runSync({ module: ok })).toThrow(
      /cannot use the Runner option store/,
    );
    expect(() =>
      runAgentSync({ module: ok }, {}, { ...view, unsupportedOptions: ['store', 'policy'] }),
    ).toThrow(
      expect.objectContaining({
        code: 'invalid_config',
        message: expect.stringContaining('options store, policy'),
      }),
    );
    expect(() => runAgentSync({ module: ok }, { signal: AbortSignal.abort() } as never, view)).toThrow(
      /signal/,
    );
  });

  it('names the problem with a module: missing file, missing export (listing exports), syntax error', () => {
    const runner = new Runner();
    expect(() => runner.runSync({ module: join(root, 'nope.mjs') })).toThrow(
      expect.objectContaining({ code: 'not_found', message: expect.stringContaining('no such module file') }),
    );
    const ok = fixture('ok4.mjs', `${agentWith('return 4;')}\nexport const helper = 1;`);
    expect(() => runner.runSync({ module: ok, export: 'nope' }, { timeoutMs: 15_000 })).toThrow(
      /has no Agent export 'nope' \(its exports: agent \(Agent\), helper\); pass --export agent/,
    );
    const bad = fixture('bad.mjs', 'const = 5;');
    expect(() => runner.runSync({ module: bad }, { timeoutMs: 15_000 })).toThrow(
      new RegExp(`syntax error at ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:7: Unexpected token '='`),
    );
  });

  it('runs a TypeScript module through tsx, or says exactly how to when tsx is missing', () => {
    const withTsx = join(root, 'ts-ok');
    mkdirSync(join(withTsx, 'node_modules'), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules', 'tsx'), join(withTsx, 'node_modules', 'tsx'));
    const ts = fixture('agent.mts', `const n: number = 5;\n${agentWith('return n;')}`, withTsx);
    const r = new Runner().runSync({ module: ts }, { timeoutMs: 30_000 });
    expect(r.toolExecutions[0]!.output).toBe(5);

    const noTsx = join(root, 'ts-none');
    mkdirSync(noTsx);
    const ts2 = fixture('agent.mts', `const n: number = 6;\n${agentWith('return n;')}`, noTsx);
    expect(() => new Runner().runSync({ module: ts2 }, { timeoutMs: 15_000 })).toThrow(
      expect.objectContaining({
        code: 'unsupported',
        message: expect.stringContaining('npm install --save-dev tsx'),
      }),
    );
  });

  it("relays a tool's console.log to the terminal while the call is still blocked", async () => {
    const fifo = join(root, 'go.fifo');
    await new Promise<void>((res, rej) =>
      spawn('mkfifo', [fifo]).on('exit', (c) => (c === 0 ? res() : rej(new Error(`mkfifo ${c}`)))),
    );
    const file = fixture(
      'logs.mjs',
      agentWith(
        `console.log('tool says hi'); const { readFile } = await import('node:fs/promises'); return (await readFile(${JSON.stringify(fifo)}, 'utf8')).trim();`,
      ),
    );
    const script = join(root, 'call.mjs');
    writeFileSync(
      script,
      `import { runAgentSync } from ${JSON.stringify(fileURLToPath(new URL('./run-sync.ts', import.meta.url)))};
       import { RunnerConfigSchema } from ${JSON.stringify(fileURLToPath(new URL('./config.ts', import.meta.url)))};
       const r = runAgentSync({ module: ${JSON.stringify(file)} }, { timeoutMs: 20000 }, { config: RunnerConfigSchema.parse({}), customStore: false, customLlms: false });
       console.log('result', r.toolExecutions[0].output);`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: repoRoot,
      env: { ...process.env, AFK_RUN_SYNC_WORKER: process.env.AFK_RUN_SYNC_WORKER },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (c) => {
      err += c;
    });
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c) => {
        out += c;
        if (out.includes('tool says hi')) resolve();
      });
      void exited.then(() => reject(new Error(`exited early: ${out} ${err}`)));
    });
    // The tool's line arrived while the caller is still blocked (the tool waits on the fifo).
    expect(out).not.toContain('result');
    writeFileSync(fifo, 'released\n');
    expect(await exited).toBe(0);
    expect(out).toContain('result released');
  });
});
