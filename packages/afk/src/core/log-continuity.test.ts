import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import { PolicyEngine } from '../agents/policy.js';
import { AfkStorageError } from '../errors/index.js';
import type { RunEvent } from '../events/run-event.js';
import { scripted } from '../llms/providers/scripted.js';
import { DexieStore } from '../memory/dexie-store.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { uniqueDbName } from '../memory/test-support/dexie-harness.js';
import type { MemoryStore, RunSnapshot } from '../memory/types.js';
import { loadRunState } from './load.js';
import { Runner } from './runner.js';
import { add } from './test-helpers.js';

/** Raw access to a store's rows, bypassing every check: how a corrupt log is made. */
interface Tamper {
  store: MemoryStore;
  dropSnapshots(runId: string): Promise<void>;
  dropEvent(runId: string, seq: number): Promise<void>;
  addForeignEvent(e: RunEvent): Promise<void>;
}

function memoryTamper(): Tamper {
  const store = new InMemoryStore();
  const rows = store as unknown as {
    events: Map<string, RunEvent[]>;
    snapshots: Map<string, RunSnapshot[]>;
  };
  return {
    store,
    dropSnapshots: async (runId) => void rows.snapshots.delete(runId),
    dropEvent: async (runId, seq) => {
      const log = rows.events.get(runId)!;
      log.splice(
        log.findIndex((e) => e.seq === seq),
        1,
      );
    },
    addForeignEvent: async (e) => void rows.events.get(e.runId)!.push(e),
  };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

function dexieTamper(): Tamper {
  const store = new DexieStore({ name: uniqueDbName('afk-log'), indexedDB, IDBKeyRange });
  closers.push(() => store.close());
  return {
    store,
    dropSnapshots: async (runId) => {
      await store.dexie.snapshots.where('[runId+seq]').between([runId, 0], [runId, Infinity]).delete();
    },
    dropEvent: async (runId, seq) => store.dexie.events.delete([runId, seq]),
    addForeignEvent: async (e) => void (await store.dexie.events.add(e)),
  };
}

function model() {
  return scripted([{ toolCalls: [{ id: 'c1', name: 'add', args: { a: 1, b: 2 } }] }, { text: 'three' }]);
}

const policy = new PolicyEngine([{ id: 'ask', action: 'request_approval', when: { tool: 'add' } }]);

async function pausedRun(t: Tamper) {
  const runner = new Runner({ store: t.store, policy, config: { interactionMode: 'external' } });
  const r = await runner.run(new Agent({ name: 'sum', model: model(), tools: [add] }), {
    userMessage: 'add 1 and 2',
  });
  expect(r.state).toBe('interrupted');
  return { runner, r };
}

async function dump(store: MemoryStore, runId: string) {
  return {
    events: await store.readEvents(runId),
    snapshot: await store.getSnapshot(runId),
    run: await store.getRun(runId),
    approvals: await store.listApprovals({ runId }),
  };
}

/** Resumes with a fresh model; the resume must fail with log_corrupt, call nothing and write nothing. */
async function expectRefused(t: Tamper, runId: string, threadId: string, what: RegExp) {
  const before = await dump(t.store, runId);
  const fresh = model();
  const err = await new Runner({ store: t.store, policy, config: { interactionMode: 'external' } })
    .resume(new Agent({ name: 'sum', model: fresh, tools: [add] }), { runId, threadId })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(AfkStorageError);
  expect(err).toMatchObject({ code: 'log_corrupt', message: expect.stringMatching(what) });
  expect(fresh.calls).toBe(0);
  expect(await dump(t.store, runId)).toEqual(before);
  // The lease was released: another owner may take the run.
  expect(await t.store.acquireLease(runId, 'someone-else', 1_000)).toBeDefined();
}

describe.each([
  ['InMemoryStore', memoryTamper],
  ['DexieStore (fake-indexeddb)', dexieTamper],
])('a gap in the stored log is refused on resume: %s', (_label, make) => {
  it('a missing event in the middle of the log → log_corrupt, the model is never called', async () => {
    const t = make();
    const { r } = await pausedRun(t);
    await t.dropSnapshots(r.runId);
    await t.dropEvent(r.runId, 2);
    await expectRefused(t, r.runId, r.threadId, /event 2 is missing before seq 3/);
  });

  it('a missing event at the tail (below the run record lastSeq) → log_corrupt', async () => {
    const t = make();
    const { r } = await pausedRun(t);
    const rec = await t.store.getRun(r.runId);
    const events = await t.store.readEvents(r.runId);
    expect(rec?.lastSeq).toBe(events.at(-1)!.seq);
    await t.dropSnapshots(r.runId);
    await t.dropEvent(r.runId, rec!.lastSeq);
    await expectRefused(t, r.runId, r.threadId, new RegExp(`event ${rec!.lastSeq} is missing`));
  });

  it('a foreign row past the run record lastSeq → log_corrupt', async () => {
    const t = make();
    const { r } = await pausedRun(t);
    const last = (await t.store.getRun(r.runId))!.lastSeq;
    await t.addForeignEvent({
      runId: r.runId,
      threadId: r.threadId,
      seq: last + 1,
      ts: Date.now(),
      type: 'message_added',
      data: { reason: 'injected', message: { role: 'user', content: 'injected' } },
    } as RunEvent);
    await expectRefused(t, r.runId, r.threadId, new RegExp(`event ${last + 1} lies past`));
  });

  it('an intact log still loads, also for time travel to an earlier seq', async () => {
    const t = make();
    const { r } = await pausedRun(t);
    const last = (await t.store.getRun(r.runId))!.lastSeq;
    expect((await loadRunState(t.store, r.runId))?.lastSeq).toBe(last);
    expect((await loadRunState(t.store, r.runId, 2))?.lastSeq).toBe(2);
  });
});
