import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';
import { TaskLedger } from './ledger.js';
import { MemoryTaskTable } from './memory-table.js';
import { BackoffPolicySchema, parseEnqueueInput } from './task.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('backoffDelay: exponential with jitter', () => {
  const policy = BackoffPolicySchema.parse({ baseDelayMs: 100, factor: 2, maxDelayMs: 1000, jitter: 0 });
  it('doubles per retry and is capped', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(policy, n))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it('jitter removes a random share of at most `jitter`', () => {
    const j = { ...policy, jitter: 0.5 };
    expect(backoffDelay(j, 3, () => 0)).toBe(400);
    expect(backoffDelay(j, 3, () => 0.999999)).toBe(200);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(j, 3)));
    expect(spread.size).toBeGreaterThan(10);
    for (const d of spread) expect(d >= 200 && d <= 400).toBe(true);
  });
});

describe('TaskLedger: claims, leases, retries, terminal states', () => {
  async function setup(maxRetries = 2) {
    const c = clock();
    const ledger = new TaskLedger(new MemoryTaskTable(), c.now, () => 0);
    const task = await ledger.enqueue(
      parseEnqueueInput(
        { handler: 'h', payload: 1, maxRetries, backoff: { baseDelayMs: 1000, jitter: 0 } },
        'task_1',
        c.now(),
      ),
    );
    return { c, ledger, task };
  }

  it('a retry is not claimable before its backoff has passed', async () => {
    const { c, ledger, task } = await setup();
    const [claim] = await ledger.claim('w1', 5000, 1);
    const err = { code: 'x', message: 'boom' };
    const r = await ledger.settle(task.id, claim!.token, { kind: 'failed', error: err, retryable: true });
    expect(r?.task).toMatchObject({ status: 'retrying', retryCount: 1, nextAttemptAt: c.now() + 1000 });
    c.advance(999);
    expect(await ledger.claim('w1', 5000, 1)).toEqual([]);
    c.advance(1);
    const [again] = await ledger.claim('w1', 5000, 1);
    expect(again?.task).toMatchObject({ status: 'running', attempts: 2, retryCount: 1 });
    const r2 = await ledger.settle(task.id, again!.token, { kind: 'failed', error: err, retryable: true });
    expect(r2?.task.nextAttemptAt).toBe(c.now() + 2000);
  });

  it('an expired claim is taken over; the old holder can no longer settle, renew or fail it', async () => {
    const { c, ledger, task } = await setup();
    const [old] = await ledger.claim('w1', 5000, 1);
    expect(await ledger.claim('w2', 5000, 1)).toEqual([]);
    c.advance(5001);
    const [taken] = await ledger.claim('w2', 5000, 1);
    expect(taken?.task.attempts).toBe(2);
    expect(await ledger.renew(task.id, old!.token, 5000)).toBe(false);
    expect(await ledger.settle(task.id, old!.token, { kind: 'completed', result: 'stale' })).toBeUndefined();
    expect(await ledger.settle(task.id, taken!.token, { kind: 'completed', result: 'fresh' })).toMatchObject({
      transition: 'completed',
    });
    expect(await ledger.get(task.id)).toMatchObject({ status: 'completed', result: 'fresh' });
  });

  it('terminal states are immutable: no second settle, cancel is a no-op, nothing claims them', async () => {
    const { c, ledger, task } = await setup(0);
    const [claim] = await ledger.claim('w1', 5000, 1);
    const failed = await ledger.settle(task.id, claim!.token, {
      kind: 'failed',
      error: { code: 'x', message: 'no' },
      retryable: true,
    });
    expect(failed?.transition).toBe('failed');
    expect(await ledger.settle(task.id, claim!.token, { kind: 'completed', result: 1 })).toBeUndefined();
    expect((await ledger.cancel(task.id)).status).toBe('failed');
    c.advance(1e9);
    expect(await ledger.claim('w2', 5000, 10)).toEqual([]);
    expect(await ledger.get(task.id)).toMatchObject({ status: 'failed', attempts: 1 });
  });
});
