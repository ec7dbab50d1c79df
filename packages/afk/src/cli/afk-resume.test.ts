import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPGliteDir } from '../memory/postgres/test-support/pglite-dir.js';
import { bundleAfk } from './test-support/bundle.js';
import { runCli } from './test-support/run-cli.js';

// `afk run --store DIR` + `afk resume RUN_ID --store DIR` across processes, on the durable Node
// store (`PostgresStore.embedded` from afk/memory/postgres). Where the time of such a process goes:
// PGlite (PostgreSQL in WASM) running initdb for a new data directory (~10 s of CPU), opening
// one (~3 s), and, from source, tsx compiling the CLI (~1-2 s). So: the CLI, the store and the
// agent's library are bundled once, in the package's layout (the CLI finds the store by the path
// it uses in the built package), and run by plain `node`; the store starts as a copy of a data
// directory made once per machine (what a new store's first open writes), and the suite spawns
// few processes.
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
// Inside the repository, so the bundle's PGlite and zod resolve from its node_modules.
const dir = mkdtempSync(join(repoRoot, 'node_modules', '.afk-resume-'));
let storeDir: string;
let cli: string;
const afk = (args: string[], input = '') =>
  runCli(process.execPath, [cli, ...args], { cwd: dir, input, timeoutMs: 150_000 });

beforeAll(async () => {
  const [b, data] = await Promise.all([bundleAfk(join(dir, 'lib'), { store: true }), freshPGliteDir()]);
  cli = b.cli;
  storeDir = data;
  writeFileSync(
    join(dir, 'agent.mjs'),
    `import { Agent, scripted, tool, z } from ${JSON.stringify(b.lib)};
const del = tool({ name: 'delete_file', description: 'deletes', args: z.object({ path: z.string() }), needsApproval: true, run: async ({ path }) => 'deleted ' + path });
export const agent = new Agent({ name: 'risky', tools: [del], model: scripted((req) => req.messages.at(-1)?.role === 'tool'
  ? { text: 'tool said: ' + req.messages.at(-1).content } : { toolCalls: [{ name: 'delete_file', args: { path: '/tmp/x' } }] }) });
`,
  );
}, 120_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (storeDir) rmSync(storeDir, { recursive: true, force: true });
});

/** Runs the risky agent with the store, not interactively: it pauses; returns the printed resume command's run id. */
async function pausedRun(): Promise<string> {
  const r = await afk(['run', 'agent.mjs', 'delete it', '--store', storeDir]);
  expect(r.code, r.stderr).toBe(6);
  const m = /\n {2}afk resume (run_\w+) --store (\S+)\n/.exec(r.stderr);
  expect(m, r.stderr).not.toBeNull();
  expect(m![2]).toBe(storeDir);
  return m![1]!;
}

describe('afk run --store / afk resume (durable store)', { timeout: 400_000 }, () => {
  it('a paused run is continued from the printed command: asks, then --approve completes it', async () => {
    const runId = await pausedRun();
    const undecided = await afk(['resume', runId, '--store', storeDir]);
    expect(undecided.code).toBe(6);
    expect(undecided.stderr).toContain('add --approve or --reject');

    const approved = await afk(['resume', runId, '--store', storeDir, '--approve']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain('▸ delete_file {"path":"/tmp/x"}');
    expect(approved.stdout).toContain('tool said: deleted /tmp/x');

    const unknown = await afk(['resume', 'run_nope', '--store', storeDir]);
    expect(unknown.code).toBe(8);
    expect(unknown.stderr).toContain('no run run_nope in the store');
  });

  it('--reject with a reason continues the run without the tool', async () => {
    const rejected = await afk([
      'resume',
      await pausedRun(),
      '--store',
      storeDir,
      '--reject',
      '--reason',
      'not today',
      '-q',
    ]);
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(rejected.stdout).toContain('not today');
    expect(rejected.stdout).not.toContain('deleted');
  });
});
