import { z } from 'zod';
import { AfkConfigError, formatIssues, fromZodIssues } from '../errors/index.js';
import type { QueueBackend } from './backend.js';
import { DexieTaskTable } from './dexie-table.js';
import { LedgerBackend } from './ledger-backend.js';

/**
 * Options of `dexieQueue`. Defaults: leaseTtlMs 30_000 (a closed tab's task is taken over
 * after it), pollIntervalMs 2000, the page's `indexedDB` (pass `fake-indexeddb` in Node).
 *
 * @example
 * new TaskQueue({ backend: dexieQueue({ name: 'inbox', leaseTtlMs: 10_000 }) })
 */
export const DexieQueueOptionsSchema = z
  .object({
    /** The queue; its tasks live in the IndexedDB database `afk-queue:<name>`. */
    name: z.string().min(1).max(200),
    leaseTtlMs: z.number().int().positive().default(30_000),
    pollIntervalMs: z.number().int().positive().default(2000),
    indexedDB: z
      .custom<IDBFactory>((v) => typeof v === 'object' && v !== null, 'must be an IDBFactory')
      .optional(),
    IDBKeyRange: z
      .custom<typeof IDBKeyRange>((v) => typeof v === 'function', 'must be IDBKeyRange')
      .optional(),
  })
  .strict();
export type DexieQueueOptions = z.input<typeof DexieQueueOptionsSchema>;

/**
 * The browser backend: tasks are rows in IndexedDB, so they survive reloads and every tab (and
 * worker) of the origin sees one queue. Each task is executed by one tab at a time: a claim is a
 * read-write transaction (IndexedDB serialises them across tabs) that gives the task a lease,
 * which the executing tab renews; a tab that closes stops renewing, and once the lease expires
 * another tab takes the task over (its AFK run resumes from the store, e.g. a `DexieStore`).
 *
 * @example
 * const queue = new TaskQueue({ backend: dexieQueue({ name: 'inbox' }) });
 * new TaskWorker({ queue, agents: { triage }, store: new DexieStore({ name: 'app' }) }).start();
 */
export function dexieQueue(options: DexieQueueOptions): QueueBackend {
  const parsed = DexieQueueOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = fromZodIssues(parsed.error.issues);
    throw new AfkConfigError('invalid_config', `Invalid dexieQueue options:\n${formatIssues(issues)}`, {
      issues,
    });
  }
  const o = parsed.data;
  const table = new DexieTaskTable({
    name: o.name,
    ...(o.indexedDB ? { indexedDB: o.indexedDB } : {}),
    ...(o.IDBKeyRange ? { IDBKeyRange: o.IDBKeyRange } : {}),
  });
  return new LedgerBackend('dexie', table, { leaseTtlMs: o.leaseTtlMs, pollIntervalMs: o.pollIntervalMs });
}
