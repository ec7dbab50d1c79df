/**
 * Window hooks for the e2e two-tab queue test (test-pages/queue-tabs.html, behaviour 63). Each
 * tab drains one `dexieQueue` with a `pay` agent whose side-effecting `charge` tool records a row
 * per execution in its own IndexedDB database (`afk-queue-tabs-effects:<name>`), so executions
 * are counted across tabs and across a tab being closed. The runs live in one `DexieStore`
 * shared by the tabs: a tab that takes over a task resumes its run from the journal.
 *
 * `hold` makes this tab stop inside `charge` of the task with that index (the row is written,
 * the tool never returns), so the test can close the tab while the side effect is in flight.
 */
import { Agent } from 'afk/agents';
import { scripted } from 'afk/llms';
import { DexieStore } from 'afk/memory';
import { dexieQueue, TaskQueue, TaskWorker } from 'afk/queues';
import { tool } from 'afk/tools';
import { z } from 'zod';

export interface ChargeRow {
  id?: number;
  task: number;
  tab: string;
  runId: string;
  at: number;
}

export interface TaskReport {
  id: string;
  index: number;
  status: string;
  attempts: number;
  /** Which tab completed it. */
  by: string | null;
  runId: string | null;
  /** The error code of each `charge` answer in the run's log (`null`: it ran and returned). */
  charges: Array<string | null>;
}

export interface QueueTabsHooks {
  enqueue(name: string, count: number): Promise<string[]>;
  /** Starts this tab's worker on the queue. */
  drain(name: string, opts: { tab: string; leaseTtlMs: number; concurrency: number; hold?: number }): void;
  /** Set (in localStorage, shared by the tabs) once a tab is holding inside `charge`. */
  held(name: string): boolean;
  charges(name: string): Promise<ChargeRow[]>;
  report(name: string): Promise<TaskReport[]>;
}

declare global {
  interface Window {
    afkQueueTabs: QueueTabsHooks;
  }
}

/** The charges' own IndexedDB database (plain IndexedDB: one object store, a row per execution). */
const effectsDbs = new Map<string, Promise<IDBDatabase>>();
function effectsDb(name: string): Promise<IDBDatabase> {
  let db = effectsDbs.get(name);
  if (!db) {
    db = new Promise((resolve, reject) => {
      const req = indexedDB.open(`afk-queue-tabs-effects:${name}`, 1);
      req.onupgradeneeded = () =>
        req.result.createObjectStore('charges', { keyPath: 'id', autoIncrement: true });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    effectsDbs.set(name, db);
  }
  return db;
}
/** Runs one request in a transaction and resolves once that transaction has committed. */
async function inCharges<T>(
  name: string,
  mode: IDBTransactionMode,
  fn: (s: IDBObjectStore) => IDBRequest<T>,
) {
  const tx = (await effectsDb(name)).transaction('charges', mode, { durability: 'strict' });
  const req = fn(tx.objectStore('charges'));
  return new Promise<T>((resolve, reject) => {
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

const queues = new Map<string, TaskQueue>();
/** The queue `name` with a worker lease of `leaseTtlMs` (the lease is the backend's option). */
function queueOf(name: string, leaseTtlMs = 30_000): TaskQueue {
  let q = queues.get(`${name}:${leaseTtlMs}`);
  if (!q) {
    q = new TaskQueue({ backend: dexieQueue({ name, leaseTtlMs, pollIntervalMs: 200 }) });
    queues.set(`${name}:${leaseTtlMs}`, q);
  }
  return q;
}
const stores = new Map<string, DexieStore>();
function storeOf(name: string): DexieStore {
  let s = stores.get(name);
  if (!s) {
    s = new DexieStore({ name: `afk-queue-tabs-store:${name}` });
    stores.set(name, s);
  }
  return s;
}
const heldKey = (name: string) => `afk-queue-tabs:${name}:held`;
const indexOf = (text: string) => Number(/pay task (\d+)/.exec(text)?.[1] ?? -1);

function payAgent(name: string, tab: string, hold: number | undefined): Agent {
  const charge = tool({
    name: 'charge',
    description: 'charge the customer for one task (a side effect: once per task)',
    args: z.object({ task: z.number().int() }),
    effects: 'side_effect',
    run: async ({ task }, ctx) => {
      await inCharges(name, 'readwrite', (c) => c.add({ task, tab, runId: ctx.runId, at: Date.now() }));
      if (task === hold) {
        localStorage.setItem(heldKey(name), tab);
        // The tab is closed while this charge is in flight: it never returns here.
        await new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
        );
      }
      await new Promise((r) => setTimeout(r, 10));
      return `charged for task ${task}`;
    },
  });
  const model = scripted(
    (req) => {
      if (req.messages.some((m) => m.role === 'tool')) return { text: `paid (${tab})` };
      const user = req.messages.find((m) => m.role === 'user');
      const task = indexOf(JSON.stringify(user?.content ?? ''));
      return { toolCalls: [{ id: 'charge-1', name: 'charge', args: { task } }] };
    },
    { delayMs: 15, keepRequests: false },
  );
  return new Agent({ name: 'pay', model, tools: [charge] });
}

window.afkQueueTabs = {
  async enqueue(name, count) {
    const q = queueOf(name);
    const ids: string[] = [];
    for (let i = 0; i < count; i++)
      ids.push((await q.enqueue({ agentName: 'pay', payload: { userMessage: `pay task ${i}` } })).id);
    return ids;
  },
  drain(name, { tab, leaseTtlMs, concurrency, hold }) {
    const worker = new TaskWorker({
      queue: queueOf(name, leaseTtlMs),
      agents: { pay: payAgent(name, tab, hold) },
      store: storeOf(name),
      concurrency,
      onCompleted: (t) => {
        localStorage.setItem(`afk-queue-tabs:${name}:done:${t.id}`, tab);
      },
    });
    worker.start();
  },
  held: (name) => localStorage.getItem(heldKey(name)) !== null,
  charges: (name) => inCharges(name, 'readonly', (c) => c.getAll() as IDBRequest<ChargeRow[]>),
  async report(name) {
    const store = storeOf(name);
    const out: TaskReport[] = [];
    for (const t of await queueOf(name).list()) {
      if (t.kind !== 'agent') continue;
      const result = t.result as { runId?: string } | undefined;
      const runId = result?.runId ?? null;
      const log = runId ? await store.readEvents(runId) : [];
      out.push({
        id: t.id,
        index: indexOf(t.payload.userMessage),
        status: t.status,
        attempts: t.attempts,
        by: localStorage.getItem(`afk-queue-tabs:${name}:done:${t.id}`),
        runId,
        charges: log
          .filter((e) => e.type === 'tool_completed')
          .map((e) => (e.data as { errorCode?: string }).errorCode ?? null),
      });
    }
    return out.sort((a, b) => a.index - b.index);
  },
};
