/**
 * Runner-level durability on the real browser store: `DexieStore` over Chromium's IndexedDB, Web
 * Locks leases and BroadcastChannel change pings. Each "tab" or "page" is its own `DexieStore`
 * instance (own connection, own channel, own lock ownership) on one database. Closing a store is
 * how a page dies here: its connection goes and its Web Locks are freed, which is what the browser
 * does for a closed tab. Real page-close tests live in e2e/.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Agent } from '../agents/agent.js';
import { AfkStorageError } from '../errors/index.js';
import type { RunEvent } from '../events/run-event.js';
import type { MemoryStore } from '../memory/types.js';
import { WRITE_ATTEMPTS } from './durable-writer.js';
import { Runner } from './runner.js';
import {
  cleanups,
  closePages,
  dbName,
  deferred,
  type Effects,
  expectValidLog,
  mailModel,
  ProbeStore,
  page,
  sendTool,
  twoStepAgent,
} from './test-support/durable-fixtures.js';
import { transcriptText } from './test-support/fixtures.js';

afterEach(closePages);

/** The writes of an uninterrupted two-step run, to pick fault points from. */
async function countWrites(): Promise<number> {
  const probe = new ProbeStore(page(dbName()));
  const r = await new Runner({ store: probe }).run(twoStepAgent({ sent: [] }, { n: 0 }).agent, {
    userMessage: 'go',
  });
  expect(r.state).toBe('completed');
  return probe.writes;
}

/** A quota failure may come back after the side effect ran but before its result was durable. */
async function resumeToCompletion(store: MemoryStore, runId: string, threadId: string, effects: Effects) {
  const { model, agent } = twoStepAgent(effects, { n: 0 });
  const runner = new Runner({ store, config: { interactionMode: 'external' } });
  let result = await runner.resume(agent, { runId, threadId });
  if (result.state === 'interrupted') {
    // send_email started and its result is not in the log: the runner must ask, not re-send.
    const [question] = result.pending?.approvals ?? [];
    expect(question).toMatchObject({
      toolName: 'send_email',
      allowedDecisions: expect.arrayContaining(['respond']),
    });
    await runner.decideApproval({
      approvalId: question!.id,
      decision: { kind: 'respond', value: 'sent:bob@example.com' },
    });
    result = await runner.resume(agent, { runId, threadId });
    return { result, model, asked: true };
  }
  return { result, model, asked: false };
}

/** send_email's journal entry is durable but its result is not: its outcome is unknown. */
function sendOutcomeUnknown(events: RunEvent[]): boolean {
  const started = events.some((e) => e.type === 'tool_started' && e.data.toolCallId === 'call_send');
  const completed = events.some((e) => e.type === 'tool_completed' && e.data.toolCallId === 'call_send');
  return started && !completed;
}

describe('DexieStore durability in Chromium: storage faults', () => {
  it('storage_quota rejections from write N on end the run failed (no throw) after bounded retries, keep the committed log valid, and a fresh runner completes it with one side effect', async () => {
    const total = await countWrites();
    expect(total).toBeGreaterThanOrEqual(4);
    const askedAt: number[] = [];
    // Write 1 holds run_started: failing it leaves nothing to resume; every later write is a fault point.
    for (let n = 2; n <= total; n++) {
      const name = dbName();
      const effects: Effects = { sent: [] };
      const lookups = { n: 0 };
      const faulty = new ProbeStore(page(name), {
        beforeWrite: (_batch, nth) => {
          if (nth >= n)
            throw new AfkStorageError('storage_quota', `simulated quota exceeded at write ${nth}`);
        },
      });
      const { agent } = twoStepAgent(effects, lookups);
      const failed = await new Runner({ store: faulty }).run(agent, { userMessage: 'go' });
      expect(failed.state, `fault at write ${n}`).toBe('failed');
      expect(failed.error?.code).toBe('storage_quota');
      // Bounded: the failed batch WRITE_ATTEMPTS times, the failure ending's final batch as
      // often, and the record alone once; all refused.
      expect(faulty.writes).toBe(n + 2 * WRITE_ATTEMPTS);

      const reader = page(name);
      const committed = await expectValidLog(reader, failed.runId);
      expect(committed.length).toBeGreaterThan(0);
      expect(committed.some((e) => e.type === 'run_completed')).toBe(false);

      const { result, asked } = await resumeToCompletion(reader, failed.runId, failed.threadId, effects);
      // A human is asked exactly when the log cannot tell whether the email went out.
      expect(asked, `fault at write ${n}`).toBe(sendOutcomeUnknown(committed));
      if (asked) askedAt.push(n);
      expect(result.state, `resume after a fault at write ${n}`).toBe('completed');
      expect(result.finalText).toBe('done: sent:bob@example.com / value-of-k');
      expect(effects.sent, `fault at write ${n}`).toEqual(['bob@example.com']);
      await expectValidLog(reader, failed.runId);
    }
    // Both recoveries were exercised: the plain continuation and the "did it happen?" question.
    expect(askedAt).toHaveLength(1);
  });

  it('a real QuotaExceededError DOMException raised inside IndexedDB surfaces through DexieStore as storage_quota', async () => {
    const name = dbName();
    const store = page(name);
    let full = false;
    // The events object store refuses adds with the DOMException Chromium raises when the origin
    // is over quota (on IDBObjectStore itself: DexieStore writes step batches on the raw API).
    const add = IDBObjectStore.prototype.add;
    const spy = vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(function (
      this: IDBObjectStore,
      value: unknown,
      key?: IDBValidKey,
    ) {
      if (full && this.name === 'events')
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return add.call(this, value, key);
    });
    cleanups.push(() => spy.mockRestore());
    const effects: Effects = { sent: [] };
    const lookups = { n: 0 };
    // Full right after send_email's journal entry became durable (its batch holds tool_started).
    const watcher = new ProbeStore(store, {
      beforeWrite: (batch) => {
        if (batch.events?.some((e) => e.type === 'tool_completed')) full = true;
      },
    });
    const failed = await new Runner({ store: watcher }).run(twoStepAgent(effects, lookups).agent, {
      userMessage: 'go',
    });
    expect(failed.state).toBe('failed');
    expect(failed.error?.code).toBe('storage_quota');
    expect(failed.error?.message).toContain('QuotaExceededError');
    expect(effects.sent).toEqual(['bob@example.com']);

    full = false; // space was freed
    const reader = page(name);
    const committed = await expectValidLog(reader, failed.runId);
    expect(committed.map((e) => e.type)).toContain('tool_started');
    expect(committed.map((e) => e.type)).not.toContain('tool_completed');
    const { result, asked } = await resumeToCompletion(reader, failed.runId, failed.threadId, effects);
    expect(asked).toBe(true);
    expect(result.state).toBe('completed');
    expect(effects.sent).toEqual(['bob@example.com']);
  });
});

// ---- B24: crash while a side-effecting tool runs ---------------------------------------------

describe('DexieStore durability in Chromium: the page dies while a side effect runs (B24)', () => {
  it('a fresh page does not re-run the call blindly: it asks, and a `respond` answer completes the run', async () => {
    const name = dbName();
    const effects: Effects = { sent: [] };
    const started = deferred();
    const abandon = new AbortController();
    cleanups.push(() => abandon.abort());
    const dying = page(name);
    const hang = async () => {
      started.resolve();
      return new Promise<string>(() => undefined); // the tab dies before this returns
    };
    const first = new Agent({
      name: 'mailer',
      model: mailModel(),
      tools: [sendTool(effects, { body: hang })],
    });
    const runId = 'run_dies_mid_tool';
    const threadId = 'thread_dies_mid_tool';
    // Abandoned: never awaited.
    void new Runner({ store: dying }).run(first, {
      userMessage: 'mail bob',
      runId,
      threadId,
      signal: abandon.signal,
    });
    await started.promise;

    const fresh = page(name);
    const durable = (await expectValidLog(fresh, runId)).map((e) => e.type);
    expect(durable).toContain('tool_started');
    expect(durable).not.toContain('tool_completed');
    // The dying page still holds the run's Web Lock: nobody else may execute it yet.
    expect(await fresh.acquireLease(runId, 'probe', 1_000)).toBeUndefined();

    // The tab dies: its connection closes and the browser frees its locks.
    await dying.close();

    const model = mailModel();
    const agent = new Agent({ name: 'mailer', model, tools: [sendTool(effects)] });
    const runner = new Runner({ store: fresh, config: { interactionMode: 'external' } });
    const paused = await runner.resume(agent, { runId, threadId });
    expect(paused.state).toBe('interrupted');
    expect(effects.sent).toEqual(['bob@example.com']); // only the dead page's call
    expect(model.calls).toBe(0);
    const [question] = paused.pending!.approvals;
    expect(question).toMatchObject({
      toolName: 'send_email',
      toolCallId: 'call_send',
      allowedDecisions: expect.arrayContaining(['respond']),
    });
    expect(await runner.listApprovals({ runId, status: 'pending' })).toEqual([
      expect.objectContaining({ id: question!.id }),
    ]);

    await runner.decideApproval({
      approvalId: question!.id,
      decision: { kind: 'respond', value: 'sent:bob@example.com (confirmed by a human)' },
    });
    const done = await runner.resume(agent, { runId, threadId });
    expect(done.state).toBe('completed');
    expect(done.finalText).toBe('done: sent:bob@example.com (confirmed by a human)');
    expect(effects.sent).toEqual(['bob@example.com']);
    expect(model.calls).toBe(1);
    expect(transcriptText(model.requests.at(-1))).toContain('sent:bob@example.com (confirmed by a human)');
    expect(done.toolExecutions).toEqual([
      expect.objectContaining({ toolName: 'send_email', toolCallId: 'call_send', replayed: true }),
    ]);
    const types = (await expectValidLog(fresh, runId)).map((e) => e.type);
    expect(types.filter((t) => t === 'tool_started')).toHaveLength(1);
    expect(types.at(-1)).toBe('run_completed');
  });
});
