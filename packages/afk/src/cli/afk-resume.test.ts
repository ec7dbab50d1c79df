import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './test-support/run-cli.js';

// `afk run --store DIR` + `afk resume RUN_ID --store DIR` across processes, on the durable Node
// store (`PostgresStore.embedded` from afk/memory/postgres). PGlite takes seconds to open a data
// directory, so this suite spawns
// few processes. The CLI runs from source through tsx so its import of
// ../memory/postgres/index.js resolves the way it does in the built package.
const src = fileURLToPath(new URL('../', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'afk-resume-'));
const storeDir = join(dir, 'store');
const tsxLoader = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const afk = (args: string[], input = '') =>
  runCli(process.execPath, ['--import', tsxLoader, join(src, 'cli', 'afk.ts'), ...args], {
    cwd: dir,
    input,
    timeoutMs: 150_000,
  });
const srcUrl = (p: string) => JSON.stringify(pathToFileURL(join(src, p)).href);

writeFileSync(
  join(dir, 'agent.mjs'),
  `import { z } from ${JSON.stringify(pathToFileURL(join(repoRoot, 'node_modules', 'zod', 'index.js')).href)};
import { Agent } from ${srcUrl('agents/agent.ts')};
import { scripted } from ${srcUrl('llms/providers/scripted.ts')};
import { tool } from ${srcUrl('tools/tool.ts')};
const del = tool({ name: 'delete_file', description: 'deletes', args: z.object({ path: z.string() }), needsApproval: true, run: async ({ path }) => 'deleted ' + path });
export const agent = new Agent({ name: 'risky', tools: [del], model: scripted((req) => req.messages.at(-1)?.role === 'tool'
  ? { text: 'tool said: ' + req.messages.at(-1).content } : { toolCalls: [{ name: 'delete_file', args: { path: '/tmp/x' } }] }) });
`,
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
