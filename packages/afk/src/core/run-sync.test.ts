import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryStore } from '../memory/in-memory.js';
import { Runner } from './runner.js';

// runSync loads plain JavaScript in its worker (the built package); compile the worker and the
// agent module the way `npm run build` would.
const dir = mkdtempSync(join(tmpdir(), 'afk-runsync-'));
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
let agentModule = '';

beforeAll(async () => {
  await build({
    entryPoints: {
      worker: here('./run-sync-worker.ts'),
      agent: here('./test-support/sync-agent.ts'),
      cli: here('../cli/afk.ts'),
    },
    outdir: dir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    outExtension: { '.js': '.mjs' },
    logLevel: 'silent',
  });
  process.env.AFK_RUN_SYNC_WORKER = pathToFileURL(join(dir, 'worker.mjs')).href;
  agentModule = join(dir, 'agent.mjs');
});
afterAll(() => {
  delete process.env.AFK_RUN_SYNC_WORKER;
});

describe('runSync (Node)', () => {
  it('blocks the calling thread until the run ends, async tools included', () => {
    let timerFired = false;
    setTimeout(() => {
      timerFired = true;
    }, 0);
    const result = new Runner().runSync({ module: agentModule }, { userMessage: 'go', timeoutMs: 15_000 });
    // Truly blocking: this thread's timers could not run while waiting.
    expect(timerFired).toBe(false);
    expect(result.state).toBe('completed');
    expect(result.finalText).toBe('the answer is 42');
    expect(result.toolExecutions[0]).toMatchObject({ toolName: 'add', output: 42 });
  });

  it('refuses what cannot cross threads, and unknown exports, clearly', () => {
    const custom = { ...new InMemoryStore(), write: async () => {} } as unknown as InMemoryStore;
    expect(() => new Runner({ store: custom }).runSync({ module: agentModule })).toThrow(/custom store/);
    expect(() =>
      new Runner().runSync({ module: agentModule, export: 'nope' }, { timeoutMs: 15_000 }),
    ).toThrow(/no Agent export 'nope'/);
  });
});

describe('afk run (CLI)', () => {
  it('runs an agent module from a shell and prints the final text', () => {
    const out = execFileSync(process.execPath, [join(dir, 'cli.mjs'), 'run', agentModule, 'go'], {
      env: { ...process.env, AFK_RUN_SYNC_WORKER: process.env.AFK_RUN_SYNC_WORKER },
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('the answer is 42');
    const json = JSON.parse(
      execFileSync(process.execPath, [join(dir, 'cli.mjs'), 'run', agentModule, 'go', '--json'], {
        encoding: 'utf8',
      }),
    );
    expect(json).toMatchObject({ state: 'completed', toolExecutions: [{ toolName: 'add', output: 42 }] });
  });

  it('prints usage and exits 2 on a bad command line', () => {
    expect(() =>
      execFileSync(process.execPath, [join(dir, 'cli.mjs')], { encoding: 'utf8', stdio: 'pipe' }),
    ).toThrow(/usage: afk run/);
  });
});
