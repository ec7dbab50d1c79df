import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import type { scripted } from '../llms/providers/scripted.js';
import type { MemoryStore } from '../memory/types.js';
import { Runner } from './runner.js';
import {
  asJson,
  cleanups,
  closePages,
  dbName,
  deferred,
  type Effects,
  expectValidLog,
  interruptedMailRun,
  mailModel,
  ProbeStore,
  page,
  sendTool,
  twoStepAgent,
} from './test-support/durable-fixtures.js';

afterEach(closePages);

// ---- B19: reload ----------------------------------------------------------------------------

describe('DexieStore durability in Chromium: reload (B19)', () => {
  it('a new Runner over a new DexieStore on the same database lists, decides and resumes the approval; the tool runs once', async () => {
    const name = dbName();
    const effects: Effects = { sent: [] };
    const before = page(name);
    const r = await interruptedMailRun(before, effects);
    // The page goes away: its connection closes and its locks are freed.
    await before.close();

    const store = page(name);
    const model = mailModel();
    const agent = new Agent({ name: 'mailer', model, tools: [sendTool(effects, { needsApproval: true })] });
    const runner = new Runner({ store, config: { interactionMode: 'external' } });
    const pending = await runner.listApprovals({ runId: r.runId, status: 'pending' });
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({
      toolName: 'send_email',
      toolCallId: 'call_send',
      args: { to: 'bob@example.com' },
      status: 'pending',
    });
    await runner.decideApproval({ approvalId: pending[0]!.id, decision: { kind: 'approve' } });
    expect(await runner.listApprovals({ runId: r.runId, status: 'pending' })).toEqual([]);

    const done = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(done.finalText).toBe('done: sent:bob@example.com');
    expect(effects.sent).toEqual(['bob@example.com']);
    expect(model.calls).toBe(1);
    expect(done.toolExecutions).toEqual([
      expect.objectContaining({ toolName: 'send_email', success: true, output: 'sent:bob@example.com' }),
    ]);

    // A third page sees the finished run; resuming it again calls nothing.
    const later = page(name);
    const laterModel = mailModel();
    const again = await new Runner({ store: later }).resume(
      new Agent({ name: 'mailer', model: laterModel, tools: [sendTool(effects, { needsApproval: true })] }),
      { runId: r.runId, threadId: r.threadId },
    );
    expect(asJson(again)).toEqual(asJson(done));
    expect(laterModel.calls).toBe(0);
    expect(effects.sent).toHaveLength(1);
    const types = (await expectValidLog(later, r.runId)).map((e) => e.type);
    expect(types.filter((t) => t === 'tool_started')).toHaveLength(1);
    expect(types.filter((t) => t === 'approval_resolved')).toHaveLength(1);
    expect(types.at(-1)).toBe('run_completed');
  });
});

// ---- two tabs resume one run ----------------------------------------------------------------

describe('DexieStore durability in Chromium: two tabs resume one run', () => {
  it('exactly one tab executes; the other watches and both resolve to the same completed result', async () => {
    const name = dbName();
    const effects: Effects = { sent: [] };
    const setup = page(name);
    const r = await interruptedMailRun(setup, effects);
    const [approval] = r.pending!.approvals;
    await new Runner({ store: setup }).decideApproval({
      approvalId: approval!.id,
      decision: { kind: 'approve' },
    });
    await setup.close();

    // The tool body holds until the losing tab is watching the run, so the race is real: the
    // loser has to learn the outcome from the winner's writes (BroadcastChannel), not by luck.
    const watching = deferred();
    let bodies = 0;
    const failSafe = setTimeout(() => watching.resolve(), 5_000);
    cleanups.push(() => clearTimeout(failSafe));
    const body = async (to: string) => {
      bodies++;
      await watching.promise;
      return `sent:${to}`;
    };
    const tab = (id: string) => {
      const store = new ProbeStore(page(name), {
        onWatch: (target) => {
          if (target === r.runId) watching.resolve();
        },
      });
      const model = mailModel();
      const agent = new Agent({
        name: 'mailer',
        model,
        tools: [sendTool(effects, { needsApproval: true, body })],
      });
      return { id, model, agent, runner: new Runner({ store, config: { interactionMode: 'external' } }) };
    };
    const a = tab('a');
    const b = tab('b');
    const [ra, rb] = await Promise.all([
      a.runner.resume(a.agent, { runId: r.runId, threadId: r.threadId }),
      b.runner.resume(b.agent, { runId: r.runId, threadId: r.threadId }),
    ]);

    expect(bodies).toBe(1);
    expect(effects.sent).toEqual(['bob@example.com']);
    expect(a.model.calls + b.model.calls).toBe(1);
    expect(ra.state).toBe('completed');
    expect(ra.finalText).toBe('done: sent:bob@example.com');
    expect(asJson(rb)).toEqual(asJson(ra));

    const types = (await expectValidLog(page(name), r.runId)).map((e) => e.type);
    expect(types.filter((t) => t === 'run_resumed')).toHaveLength(1);
    expect(types.filter((t) => t === 'tool_started')).toHaveLength(1);
    expect(types.filter((t) => t === 'run_completed')).toHaveLength(2); // the pause, then the end
  }, 15_000);

  it('the watching tab hears the end even when it lands while the watcher re-checks the lease (the owner still holding it)', async () => {
    const name = dbName();
    const effects: Effects = { sent: [] };
    const setup = page(name);
    const r = await interruptedMailRun(setup, effects);
    await new Runner({ store: setup }).decideApproval({
      approvalId: r.pending!.approvals[0]!.id,
      decision: { kind: 'approve' },
    });
    await setup.close();

    // Tab A owns the run; its tool holds until B watches. A's final batch is observed through its store.
    const bWatching = deferred();
    const aEnded = deferred();
    const aStarted = deferred();
    const aStore = new ProbeStore(page(name), {
      beforeWrite: (batch) => {
        if (batch.events?.some((e) => e.type === 'run_resumed')) aStarted.resolve();
      },
    });
    const aWrite = aStore.write.bind(aStore);
    const bRechecking = deferred();
    aStore.write = async (batch) => {
      const last = batch.run?.status === 'completed';
      // A's last batch lands exactly while B is re-checking the lease.
      if (last) await bRechecking.promise;
      await aWrite(batch);
      if (last) aEnded.resolve();
    };
    // A lets its lease go only after B's second lease check has answered: B must see A's end
    // through the change it was told about, not by winning the lease afterwards.
    const bChecked = deferred();
    const aAcquire = aStore.acquireLease.bind(aStore);
    aStore.acquireLease = async (runId, owner, ttlMs) => {
      const lease = await aAcquire(runId, owner, ttlMs);
      return (
        lease && {
          ...lease,
          release: async () => {
            await bChecked.promise;
            await lease.release();
          },
        }
      );
    };
    const a = new Agent({
      name: 'mailer',
      model: mailModel(),
      tools: [
        sendTool(effects, {
          needsApproval: true,
          body: async (to) => {
            await bWatching.promise;
            return `sent:${to}`;
          },
        }),
      ],
    });
    const aResult = new Runner({ store: aStore }).resume(a, { runId: r.runId, threadId: r.threadId });
    await aStarted.promise;

    // Tab B: its lease checks after the first one are slow (a busy tab, or row leases), long enough
    // for A to finish in between.
    let bAcquires = 0;
    const bStore = new ProbeStore(page(name), {
      onWatch: (target) => {
        if (target === r.runId) bWatching.resolve();
      },
    });
    const bAcquire = bStore.acquireLease.bind(bStore);
    bStore.acquireLease = async (runId, owner, ttlMs) => {
      if (++bAcquires === 1) return bAcquire(runId, owner, ttlMs);
      bRechecking.resolve();
      await aEnded.promise;
      const lease = await bAcquire(runId, owner, ttlMs);
      bChecked.resolve();
      return lease;
    };
    const bModel = mailModel();
    const b = new Agent({
      name: 'mailer',
      model: bModel,
      tools: [sendTool(effects, { needsApproval: true })],
    });
    const t0 = performance.now();
    const bResult = new Runner({ store: bStore }).resume(b, { runId: r.runId, threadId: r.threadId });
    // Should B end some other way, A must not wait for it forever.
    void bResult.finally(() => {
      bRechecking.resolve();
      bChecked.resolve();
    });
    const [ra, rb] = await Promise.all([aResult, bResult]);
    expect(ra.state).toBe('completed');
    expect(asJson(rb)).toEqual(asJson(ra));
    expect(bModel.calls).toBe(0);
    expect(effects.sent).toEqual(['bob@example.com']);
    // Without a missed wake-up this takes milliseconds; a missed one waits for leaseTtlMs (30 s).
    expect(performance.now() - t0).toBeLessThan(5_000);
  }, 10_000);

  it('two tabs resuming a completed run both return its stored result at once', async () => {
    const name = dbName();
    const effects: Effects = { sent: [] };
    const setup = page(name);
    const { agent } = twoStepAgent(effects, { n: 0 });
    const done = await new Runner({ store: setup }).run(agent, { userMessage: 'go' });
    expect(done.state).toBe('completed');
    await setup.close();

    const models: Array<ReturnType<typeof scripted>> = [];
    const resumeIn = (store: MemoryStore) => {
      const t = twoStepAgent(effects, { n: 0 });
      models.push(t.model);
      return new Runner({ store }).resume(t.agent, { runId: done.runId, threadId: done.threadId });
    };
    const t0 = performance.now();
    const [x, y] = await Promise.all([resumeIn(page(name)), resumeIn(page(name))]);
    expect(asJson(x)).toEqual(asJson(done));
    expect(asJson(y)).toEqual(asJson(done));
    expect(models.map((m) => m.calls)).toEqual([0, 0]);
    expect(effects.sent).toEqual(['bob@example.com']);
    // Neither tab waits for a lease TTL (30 s) to learn what is already in the store.
    expect(performance.now() - t0).toBeLessThan(5_000);
  }, 10_000);
});

// ---- storage faults -------------------------------------------------------------------------
