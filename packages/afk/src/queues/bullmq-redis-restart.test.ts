import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullmqQueue } from './bullmq-queue.js';
import { TaskQueue, TaskWorker } from './index.js';
import { type RedisHandle, startRedis } from './test-support/redis-server.js';
import { waitFor } from './test-support/wait.js';

let redis: RedisHandle;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'afk-redis-'));
  redis = await startRedis({ persistDir: dir });
});
afterAll(async () => {
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('bullmqQueue when Redis restarts during work', () => {
  it('workers reconnect and finish every task', async () => {
    const backend = bullmqQueue({ connection: redis.connection, name: 'restart', lockDurationMs: 1000 });
    const queue = new TaskQueue({ backend });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await queue.enqueue({ handler: 'step', payload: i })).id);
    const completed = new Set<string>();
    let wake: () => void = () => undefined;
    let restarted: Promise<void> | undefined;
    const worker = new TaskWorker({
      queue,
      handlers: {
        step: async (payload) => {
          // The fourth task is running when the server goes away and comes back.
          if (payload === 3 && !restarted) {
            restarted = redis.restart();
            await restarted;
          }
          return payload;
        },
      },
      onCompleted: (t) => {
        completed.add(t.id);
        wake();
      },
    });
    worker.start();
    await waitFor(
      () => completed.size === ids.length,
      (w) => (wake = w),
      25_000,
    );
    await worker.stop();
    expect(restarted).toBeDefined();
    const items = await queue.list();
    expect(items.map((t) => t.status)).toEqual(ids.map(() => 'completed'));
    expect(items.map((t) => t.result).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await queue.close();
  }, 40_000);
});
