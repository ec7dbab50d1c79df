/**
 * Runner-level durability on the real browser store: `DexieStore` over Chromium's IndexedDB, Web
 * Locks leases and BroadcastChannel change pings. Each "tab" or "page" is its own `DexieStore`
 * instance (own connection, own channel, own lock ownership) on one database. Closing a store is
 * how a page dies here: its connection goes and its Web Locks are freed, which is what the browser
 * does for a closed tab. Real page-close tests live in e2e/.
 */
import type { DBCore, DBCoreMutateRequest, DBCoreTable } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { AfkStorageError } from '../errors/index.js';
import type { AgentResult } from '../events/records.js';
import { parseRunEvent, type RunEvent } from '../events/run-event.js';
import { scripted } from '../llms/providers/scripted.js';
import type { LLMRequest } from '../llms/types.js';
import { DexieStore } from '../memory/index.js';
import type { MemoryStore, StoreBatch, StoreChange } from '../memory/types.js';
import { tool } from '../tools/tool.js';
import { Runner } from './runner.js';
import { DelegatingStore } from './test-support/delegating-store.js';
import { toolContent, toolResults, transcriptText } from './test-support/fixtures.js';

// ---- fixtures -------------------------------------------------------------------------------

const opened: DexieStore[] = [];
const databases = new Set<string>();
const cleanups: Array<() => void> = [];

let dbCounter = 0;
function dbName(): string {
  const name = `afk-durable-${Date.now().toString(36)}-${++dbCounter}-${Math.random().toString(36).slice(2, 8)}`;
  databases.add(name);
  return name;
}

/** A page's store on database `name` (each call is a new connection, channel and lock owner). */
function page(name: string): DexieStore {
  const s = new DexieStore({ name });
  opened.push(s);
  return s;
}

afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await Promise.all(opened.splice(0).map((s) => s.close()));
  await Promise.all(
    [...databases].map(
      (name) =>
        new Promise<void>((resolve) => {
          const req = indexedDB.deleteDatabase(name);
          req.onsuccess = () => resolve();
          req.onerror = () => resolve();
          req.onblocked = () => resolve();
        }),
    ),
  );
  databases.clear();
});

/** Counts executions of the side-effecting `send_email` tool (shared by every "tab"). */
interface Effects {
  sent: string[];
}

function sendTool(
  effects: Effects,
  opts: { needsApproval?: boolean; body?: (to: string) => Promise<string> } = {},
) {
  return tool({
    name: 'send_email',
    description: 'Send an email',
    args: z.object({ to: z.string() }),
    effects: 'side_effect',
    ...(opts.needsApproval ? { needsApproval: true } : {}),
    run: async ({ to }) => {
      effects.sent.push(to);
      return opts.body ? opts.body(to) : `sent:${to}`;
    },
  });
}

/** Asks for send_email once, then answers with what the tool said (keyed on the conversation). */
function mailModel() {
  return scripted((req: LLMRequest) =>
    toolResults(req) === 0
      ? { toolCalls: [{ id: 'call_send', name: 'send_email', args: { to: 'bob@example.com' } }] }
      : { text: `done: ${toolContent(req, 'call_send') ?? '(no result)'}` },
  );
}

const asJson = (r: AgentResult): unknown => JSON.parse(JSON.stringify(r));

/** Every stored event is a valid `RunEvent` and the seqs are 0..n-1. */
async function expectValidLog(store: MemoryStore, runId: string): Promise<RunEvent[]> {
  const events = await store.readEvents(runId);
  for (const e of events) expect(() => parseRunEvent(e)).not.toThrow();
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
  return events;
}

/** A promise with its resolver, for "wait until the other side got there". */
function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * A delegating `MemoryStore` for observation and fault injection: `beforeWrite` may throw to
 * refuse a batch (nothing reaches the inner store), `onWatch` sees every `watch` call.
 */
class ProbeStore extends DelegatingStore {
  writes = 0;
  constructor(
    inner: MemoryStore,
    private readonly hooks: {
      beforeWrite?: (batch: StoreBatch, nth: number) => void;
      onWatch?: (target: string) => void;
    } = {},
  ) {
    super(inner);
  }
  override async write(batch: StoreBatch): Promise<void> {
    this.writes++;
    this.hooks.beforeWrite?.(batch, this.writes);
    await this.inner.write(batch);
  }
  override watch(target: string | 'all', listener: (change: StoreChange) => void): () => void {
    this.hooks.onWatch?.(target);
    return this.inner.watch(target, listener);
  }
}

/** Runs mailModel + an approval-gated send_email on `store` until it pauses for the approval. */
async function interruptedMailRun(store: MemoryStore, effects: Effects) {
  const agent = new Agent({
    name: 'mailer',
    model: mailModel(),
    tools: [sendTool(effects, { needsApproval: true })],
  });
  const r = await new Runner({ store, config: { interactionMode: 'external' } }).run(agent, {
    userMessage: 'mail bob',
  });
  expect(r.state).toBe('interrupted');
  expect(r.pending?.approvals).toHaveLength(1);
  expect(effects.sent).toEqual([]);
  return r;
}

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

/**
 * Two steps: a side-effecting send_email, then a pure `lookup`, then the answer. Keyed on the
 * conversation, so a fresh client continues wherever the log stopped.
 */
function twoStepAgent(effects: Effects, lookups: { n: number }) {
  const lookup = tool({
    name: 'lookup',
    description: 'Look a key up',
    args: z.object({ key: z.string() }),
    effects: 'pure',
    run: async ({ key }) => {
      lookups.n++;
      return `value-of-${key}`;
    },
  });
  const model = scripted((req: LLMRequest) => {
    const n = toolResults(req);
    if (n === 0)
      return { toolCalls: [{ id: 'call_send', name: 'send_email', args: { to: 'bob@example.com' } }] };
    if (n === 1) return { toolCalls: [{ id: 'call_lookup', name: 'lookup', args: { key: 'k' } }] };
    return { text: `done: ${toolContent(req, 'call_send')} / ${toolContent(req, 'call_lookup')}` };
  });
  return { model, agent: new Agent({ name: 'two-step', model, tools: [sendTool(effects), lookup] }) };
}

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
  it('a storage_quota rejection on write N ends the run failed (no throw), keeps the committed log valid, and a fresh runner completes it with one side effect', async () => {
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
          if (nth === n)
            throw new AfkStorageError('storage_quota', `simulated quota exceeded at write ${nth}`);
        },
      });
      const { agent } = twoStepAgent(effects, lookups);
      const failed = await new Runner({ store: faulty }).run(agent, { userMessage: 'go' });
      expect(failed.state, `fault at write ${n}`).toBe('failed');
      expect(failed.error?.code).toBe('storage_quota');
      // The failed write was the last: the runner does not try to write after a storage error.
      expect(faulty.writes).toBe(n);

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
    // Dexie middleware, installed before the database opens: the events table refuses adds with
    // the DOMException Chromium raises when the origin is over quota.
    store.dexie.use({
      stack: 'dbcore',
      name: 'quota-fault',
      create: (down: DBCore): DBCore => ({
        ...down,
        table: (tableName: string): DBCoreTable => {
          const t = down.table(tableName);
          if (tableName !== 'events') return t;
          return {
            ...t,
            mutate: (req: DBCoreMutateRequest) =>
              full && req.type === 'add'
                ? Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'))
                : t.mutate(req),
          };
        },
      }),
    });
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
