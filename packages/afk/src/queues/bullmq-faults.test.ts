import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../core/test-support/fixtures.js';
import { type PgServer, startPostgresServer } from '../memory/postgres/test-support/pg-server.js';
import { bullmqQueue } from './bullmq-queue.js';
import { TaskQueue } from './index.js';
import { type RedisHandle, startRedis } from './test-support/redis-server.js';
import { bundleWorker, killed, type WorkerBundle } from './test-support/worker-bundle.js';
import type { WorkerProgress } from './test-support/worker-process.js';

/** The runs' store shared by the worker processes: a PostgreSQL server this test starts. */
let sharedStore: { STORE: 'postgres'; PG_URL: string } | undefined;
let pg: PgServer | undefined;

let redis: RedisHandle;
let evidence: string;
let bundle: WorkerBundle | undefined;

beforeAll(async () => {
  bundle = await bundleWorker('bullmq-worker-process.ts', 'b62');
  redis = await startRedis();
  pg = await startPostgresServer();
  sharedStore = { STORE: 'postgres', PG_URL: pg.connectionString() };
  evidence = mkdtempSync(join(tmpdir(), 'afk-b62-'));
  for (const d of ['effects', 'dup-effects', 'done', 'double-done']) mkdirSync(join(evidence, d));
  // Bundling and starting two servers takes seconds, more on a loaded machine (each step bounded).
}, 60_000);
afterAll(async () => {
  bundle?.dispose();
  await redis?.stop();
  await pg?.stop();
  if (evidence) rmSync(evidence, { recursive: true, force: true });
}, 30_000);

type Progress = WorkerProgress & { child: ChildProcess };
const progress = new Set<(p: Progress) => void>();
/** The next progress message of any worker of `kind`. */
function nextProgress(kind: Progress['type']): Promise<Progress> {
  return new Promise((resolve) => {
    const l = (p: Progress) => {
      if (p.type !== kind) return;
      progress.delete(l);
      resolve(p);
    };
    progress.add(l);
  });
}

function startWorker(queueName: string): ChildProcess {
  return bundle!.start(
    {
      REDIS_PORT: String(redis.port),
      QUEUE_NAME: queueName,
      EVIDENCE_DIR: evidence,
      ...(sharedStore ?? { STORE: 'memory' }),
    },
    (m, child) => {
      for (const l of [...progress]) l({ ...m, child });
    },
  );
}

const KILLS = 6;
// Generous bounds: on a loaded 2-core machine a restarted Node worker needs seconds to boot.
const DEADLINE_MS = 120_000;

describe('B62: four BullMQ worker processes killed at random points and restarted', () => {
  it(
    'every task completes exactly once, none is lost, and no side effect runs twice (one PostgresStore)',
    async () => {
      const name = 'b62';
      const tasks = 16;
      const queue = new TaskQueue({ backend: bullmqQueue({ connection: redis.connection, name }) });
      const events = new QueueEvents(name, { connection: redis.connection });
      await events.waitUntilReady();
      const completed = new Set<string>();
      const completions = new Map<string, number>();
      let allDone: () => void = () => undefined;
      const done = new Promise<void>((r) => (allDone = r));
      events.on('completed', ({ jobId }) => {
        completed.add(jobId);
        completions.set(jobId, (completions.get(jobId) ?? 0) + 1);
        if (completed.size === tasks) allDone();
      });
      const ids: string[] = [];
      for (let i = 0; i < tasks; i++)
        ids.push((await queue.enqueue({ agentName: 'pay', payload: { userMessage: `pay task ${i}` } })).id);

      const workers = Array.from({ length: 4 }, () => startWorker(name));
      const random = prng(62);
      let kills = 0;
      let stopChaos = false;
      // KILLS times: wait until some worker claims a task or has just made its charge (whose result
      // is not durable yet), kill that worker 0–30 ms later with SIGKILL, and restart it.
      const chaos = (async () => {
        while (kills < KILLS && completed.size < tasks && !stopChaos) {
          const at = await Promise.race([nextProgress(kills % 2 ? 'started' : 'effect'), done]);
          if (!at || completed.size >= tasks) break;
          await new Promise((r) => setTimeout(r, random() * 30));
          const i = workers.indexOf(at.child);
          if (i < 0 || stopChaos) continue;
          await killed(at.child);
          kills++;
          workers[i] = startWorker(name);
        }
      })();
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`only ${completed.size}/${tasks} tasks completed in time`)),
          DEADLINE_MS,
        ),
      );
      await Promise.race([done, timeout]).catch(async (e: unknown) => {
        stopChaos = true;
        const left = (await queue.list()).filter((t) => t.status !== 'completed');
        throw new Error(
          `${(e as Error).message}; unfinished: ${JSON.stringify(left.map((t) => [t.status, t.attempts, t.error?.message]))}`,
        );
      });
      await chaos;
      await Promise.all(workers.map(killed));
      await events.close();

      const items = await queue.list();
      await queue.close();
      expect(items).toHaveLength(tasks);
      expect(items.every((t) => t.status === 'completed')).toBe(true);
      // Up to KILLS (a fast machine may finish the work first), and always several.
      expect(kills).toBeGreaterThanOrEqual(3);
      // Exactly once: BullMQ accepted one completion per task (its event stream, written by the
      // same script as the move; only the lock holder can complete a job), none twice; and no
      // worker saw a completion of its own accepted for a task already done (`done/` may miss
      // a task whose worker was killed between completing it and writing the file).
      expect([...completions.keys()].sort()).toEqual([...ids].sort());
      expect([...completions.values()].every((c) => c === 1)).toBe(true);
      expect(readdirSync(join(evidence, 'done')).every((id) => ids.includes(id))).toBe(true);
      expect(readdirSync(join(evidence, 'double-done'))).toEqual([]);
      // Every task's charge happened (once per task run id: a takeover resumes the same run id),
      // except where a kill landed between the charge's journal entry and the charge itself: the
      // resumed run cannot know whether it happened, answers `side_effect_unknown` and does not
      // charge again. Each kill can leave at most one such charge.
      const effects = readdirSync(join(evidence, 'effects'));
      const charged = new Set(effects.map((e) => e.split('__')[0])).size;
      expect(charged).toBeLessThanOrEqual(tasks);
      expect(charged).toBeGreaterThanOrEqual(tasks - kills);
      const dups = readdirSync(join(evidence, 'dup-effects'));
      const retakes = items.filter((t) => t.attempts > 1).length;
      // The kills hit tasks in flight: those were taken over by another worker after the lock expired.
      expect(retakes).toBeGreaterThan(0);
      console.info(
        `[B62] ${tasks} tasks, ${kills} kills, ${retakes} taken over after a kill, ` +
          `${dups.length} repeated side effects (store: ${sharedStore ? 'PostgresStore (shared)' : 'InMemoryStore per process'})`,
      );
      // The shared store's journal makes a takeover resume the run: no charge twice.
      expect(dups).toEqual([]);
    },
    DEADLINE_MS + 20_000,
  );
});
