import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startChild, whenFileExists } from './test-support/child.js';
import { uniqueSchema } from './test-support/harness.js';
import { type PgServer, startPostgresServer } from './test-support/pg-server.js';
import { freshPGliteDir } from './test-support/pglite-dir.js';

vi.setConfig({ hookTimeout: 90_000 });

// Real processes sharing one store: `runner-process.ts` runs the public Runner API with a
// scripted model in a child `node` (tsx). Side effects are lines in a count file. Each child
// starts tsx and PGlite or a pool (~2 s on an idle machine); the bounds allow a loaded one.
const TEST_MS = 240_000;

let server: PgServer;
let work: string;
const cleanup: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'afk-proc-'));
  server = await startPostgresServer();
}, 60_000);

afterAll(async () => {
  await server?.stop();
  for (const d of [work, ...cleanup]) if (d) rmSync(d, { recursive: true, force: true });
});

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('PostgresStore across processes', () => {
  it(
    'PGlite: a run paused for approval in one process is decided and resumed in another',
    async () => {
      const dataDir = await freshPGliteDir();
      cleanup.push(dataDir);
      const countFile = join(work, 'approval-count');
      const env = { AFK_STORE: 'pglite', AFK_DATA_DIR: dataDir, AFK_COUNT_FILE: countFile };
      // PGlite allows one process per data directory: process 1 pauses and exits, then process 2.
      const first = await startChild('approval-start', [], env).result;
      expect(first).toMatchObject({ state: 'interrupted', count: 0 });
      const approvals = first.approvals as Array<{ id: string; toolName: string; status: string }>;
      expect(approvals).toEqual([expect.objectContaining({ toolName: 'send_email', status: 'pending' })]);
      const second = await startChild(
        'approval-finish',
        [approvals[0]!.id, String(first.runId), String(first.threadId)],
        env,
      ).result;
      expect(second).toMatchObject({ state: 'completed', finalText: 'mail sent', count: 1 });
      expect(second.approval).toMatchObject({ id: approvals[0]!.id, status: 'approved' });
      expect(lines(countFile)).toEqual(['send_email a@b.c']);
    },
    TEST_MS,
  );

  async function killMidToolThenResume(name: string, env: Record<string, string>): Promise<void> {
    const countFile = join(work, `${name}-count`);
    const marker = join(work, `${name}-marker`);
    const vars = { ...env, AFK_COUNT_FILE: countFile };
    const victim = startChild('crash-start', [marker], vars);
    await whenFileExists(marker, 100_000);
    // The charge happened and the tool is still running: kill the process without any cleanup.
    victim.proc.kill('SIGKILL');
    await expect(victim.result).rejects.toThrow(/SIGKILL/);
    expect(lines(countFile)).toEqual(['charge 5']);
    const { runId, threadId } = JSON.parse(readFileSync(marker, 'utf8')) as {
      runId: string;
      threadId: string;
    };

    // The dead owner's lease expires (leaseTtlMs 1 s), the new process takes over, cannot know
    // whether the charge happened, and asks instead of charging again.
    const rescuer = await startChild('crash-resume', [runId, threadId], vars).result;
    expect(rescuer).toMatchObject({
      paused: 'interrupted',
      state: 'completed',
      finalText: 'charged',
      count: 1,
    });
    expect(rescuer.asked).toEqual([
      expect.objectContaining({ toolName: 'charge', toolCallId: 'call-1', status: 'pending' }),
    ]);
    expect(lines(countFile)).toEqual(['charge 5']);
  }

  it(
    'server: a process killed mid-tool is resumed by another, and the side effect is not repeated',
    async () => {
      await killMidToolThenResume('server', {
        AFK_STORE: 'pg',
        AFK_PG_URL: server.connectionString(),
        AFK_PG_SCHEMA: uniqueSchema('proc'),
      });
    },
    TEST_MS,
  );

  it(
    'PGlite: a process killed mid-tool leaves a data directory the next process recovers and resumes',
    async () => {
      const dataDir = await freshPGliteDir();
      cleanup.push(dataDir);
      await killMidToolThenResume('pglite', { AFK_STORE: 'pglite', AFK_DATA_DIR: dataDir });
    },
    TEST_MS,
  );
});
