import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/index.js';
import { scripted } from '../llms/index.js';
import { DexieStore } from '../memory/index.js';
import { tool } from '../tools/index.js';
import { dexieQueue } from './dexie-queue.js';
import { type TaskItem, TaskQueue, TaskWorker } from './index.js';
import { waitFor } from './test-support/wait.js';

type TabMessage = { started?: string; executed?: string; looked?: string };

const tabs: Worker[] = [];
afterEach(() => {
  for (const t of tabs.splice(0)) t.terminate();
});

/** A second "tab": a module Web Worker with its own IndexedDB connection draining the queue. */
function openTab(
  name: string,
  opts: { leaseTtlMs: number; hang?: boolean; storeName?: string },
  onMessage: (m: TabMessage) => void,
) {
  const tab = new Worker(new URL('./test-support/dexie-tab.worker.ts', import.meta.url), { type: 'module' });
  tabs.push(tab);
  tab.onmessage = (ev: MessageEvent<TabMessage>) => onMessage(ev.data);
  tab.postMessage({
    name,
    storeName: opts.storeName ?? `${name}-store`,
    leaseTtlMs: opts.leaseTtlMs,
    hang: opts.hang ?? false,
  });
  return tab;
}

function uniqueName() {
  return `b63-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

describe('B63: dexieQueue in Chromium (real IndexedDB, a Web Worker as the second tab)', () => {
  it('a page and another tab draining one queue execute each task once', async () => {
    const name = uniqueName();
    const queue = new TaskQueue({ backend: dexieQueue({ name, pollIntervalMs: 200 }) });
    const executions = new Map<string, number>();
    const by = { page: 0, tab: 0 };
    let tabStarted = false;
    let wake: () => void = () => undefined;
    const count = (id: string, who: 'page' | 'tab') => {
      executions.set(id, (executions.get(id) ?? 0) + 1);
      by[who]++;
      wake();
    };
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await queue.enqueue({ handler: 'work', payload: i })).id);
    openTab(name, { leaseTtlMs: 5000 }, (m) => {
      if (m.started) tabStarted = true;
      if (m.executed) count(m.executed, 'tab');
      wake();
    });
    // The other tab is draining before this page starts: both take part.
    await waitFor(
      () => tabStarted,
      (w) => (wake = w),
    );
    const worker = new TaskWorker({
      queue,
      concurrency: 2,
      handlers: {
        work: async (_p, ctx) => {
          count(ctx.task.id, 'page');
          await new Promise((r) => setTimeout(r, 10)); // a little work, as in the other tab
          return 'done in the page';
        },
      },
    });
    worker.start();
    await waitFor(
      () => executions.size === ids.length,
      (w) => (wake = w),
      20_000,
    );
    await worker.stop();
    const done = await queue.list({ status: 'completed' });
    expect(done.map((t) => t.id).sort()).toEqual([...ids].sort());
    expect([...executions.values()].every((n) => n === 1)).toBe(true);
    expect(done.every((t) => t.attempts === 1)).toBe(true);
    expect(by.page).toBeGreaterThan(0);
    expect(by.tab).toBeGreaterThan(0);
    await queue.close();
  });

  it('closing the tab that runs a task lets the other finish it after the lease expires', async () => {
    const name = uniqueName();
    const queue = new TaskQueue({ backend: dexieQueue({ name, leaseTtlMs: 600, pollIntervalMs: 100 }) });
    const task = await queue.enqueue({ handler: 'work', payload: 'x' });
    let started: string | undefined;
    let wake: () => void = () => undefined;
    const tab = openTab(name, { leaseTtlMs: 600, hang: true }, (m) => {
      if (m.started) started = m.started;
      wake();
    });
    await waitFor(
      () => started !== undefined,
      (w) => (wake = w),
    );
    expect(started).toBe(task.id);
    expect((await queue.get(task.id))?.status).toBe('running');
    tab.terminate(); // the tab is closed mid-task: its lease is no longer renewed
    const closedAt = Date.now();
    const seen: TaskItem[] = [];
    const worker = new TaskWorker({
      queue,
      handlers: { work: () => 'finished by the page' },
      onCompleted: (t) => {
        seen.push(t);
        wake();
      },
    });
    worker.start();
    await waitFor(
      () => seen.length === 1,
      (w) => (wake = w),
    );
    await worker.stop();
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(300);
    expect(await queue.get(task.id)).toMatchObject({
      status: 'completed',
      result: 'finished by the page',
      attempts: 2,
    });
    await queue.close();
  });

  it("an agent task whose tab closes mid-run is resumed from the shared DexieStore: the tool's journal entry is reused", async () => {
    const name = uniqueName();
    const storeName = `${name}-store`;
    const queue = new TaskQueue({ backend: dexieQueue({ name, leaseTtlMs: 600, pollIntervalMs: 100 }) });
    const task = await queue.enqueue({ agentName: 'support', payload: { userMessage: 'where is A1?' } });
    let looked: string | undefined;
    let wake: () => void = () => undefined;
    // The tab runs the tool, then hangs in its second model call; then it is closed.
    const tab = openTab(name, { leaseTtlMs: 600, hang: true, storeName }, (m) => {
      if (m.looked) looked = m.looked;
      wake();
    });
    await waitFor(
      () => looked !== undefined,
      (w) => (wake = w),
    );
    const store = new DexieStore({ name: storeName });
    // Close the tab once the tool's result is durable (it is written before the next model call).
    const durable = async () => (await store.readEvents(looked!)).some((e) => e.type === 'tool_completed');
    for (let i = 0; !(await durable()); i++) {
      if (i > 100) throw new Error('the tool result never became durable');
      await new Promise<void>((resolve) => {
        const stop = store.watch(looked!, () => done());
        const timer = setTimeout(done, 100);
        function done() {
          clearTimeout(timer);
          stop();
          resolve();
        }
      });
    }
    tab.terminate();
    let pageLookups = 0;
    const lookup = tool({
      name: 'lookup',
      description: 'look the order up',
      args: z.object({ order: z.string() }),
      effects: 'side_effect',
      run: () => {
        pageLookups++;
        return 'looked up again';
      },
    });
    const model = scripted((req) =>
      req.messages.some((m) => m.role === 'tool')
        ? { text: 'answered in the page' }
        : { toolCalls: [{ id: 'l1', name: 'lookup', args: { order: 'A1' } }] },
    );
    const done: TaskItem[] = [];
    const worker = new TaskWorker({
      queue,
      store,
      agents: { support: new Agent({ name: 'support', model, tools: [lookup] }) },
      onCompleted: (t) => {
        done.push(t);
        wake();
      },
    });
    worker.start();
    await waitFor(
      () => done.length === 1,
      (w) => (wake = w),
    );
    await worker.stop();
    const finished = await queue.get(task.id);
    expect(finished).toMatchObject({ status: 'completed', attempts: 2, runId: looked });
    expect(finished?.result).toMatchObject({ runId: looked, finalText: 'answered in the page' });
    // Same run, resumed: the side-effecting lookup ran once (in the closed tab), not again here.
    expect(pageLookups).toBe(0);
    const events = await store.readEvents(looked!);
    expect(events.filter((e) => e.type === 'tool_completed')).toHaveLength(1);
    expect((await store.getRun(looked!))?.status).toBe('completed');
    await store.close();
    await queue.close();
  });
});
