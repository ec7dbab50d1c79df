import { CLAIMABLE_STATUSES, type TaskRow, type TaskTable, type TaskTx } from './ledger.js';
import type { TaskStatus } from './task.js';

const claimable = new Set<TaskStatus>(CLAIMABLE_STATUSES);

/**
 * The in-memory ledger table behind `backend: 'memory'`: rows in a Map, transactions run one
 * after another (a promise chain), rows copied in and out so callers never alias them.
 */
export class MemoryTaskTable implements TaskTable {
  private readonly rows = new Map<string, TaskRow>();
  private readonly listeners = new Set<() => void>();
  private tail: Promise<unknown> = Promise.resolve();

  transact<T>(fn: (tx: TaskTx) => Promise<T>): Promise<T> {
    const run = this.tail.then(() => fn(this.tx));
    this.tail = run.catch(() => undefined);
    return run;
  }

  notify(): void {
    for (const l of [...this.listeners]) l();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  private readonly tx: TaskTx = {
    get: async (id) => {
      const r = this.rows.get(id);
      return r && structuredClone(r);
    },
    put: async (row) => {
      this.rows.set(row.id, structuredClone(row));
    },
    delete: async (ids) => {
      for (const id of ids) this.rows.delete(id);
    },
    due: async (now, limit) =>
      [...this.rows.values()]
        .filter((r) => claimable.has(r.status) && r.dueAt <= now)
        .sort((a, b) => a.dueAt - b.dueAt)
        .slice(0, limit)
        .map((r) => structuredClone(r)),
    nextDue: async () => {
      let min: number | undefined;
      for (const r of this.rows.values())
        if (claimable.has(r.status) && (min === undefined || r.dueAt < min)) min = r.dueAt;
      return min;
    },
    byStatus: async (status, limit) =>
      [...this.rows.values()]
        .filter((r) => status === undefined || r.status === status)
        .sort((a, b) => a.createdAt - b.createdAt)
        .slice(0, limit)
        .map((r) => structuredClone(r)),
  };
}
