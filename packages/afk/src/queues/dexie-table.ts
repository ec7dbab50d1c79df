import { Dexie, type EntityTable } from 'dexie';
import { AfkStorageError, isAfkError } from '../errors/index.js';
import { CLAIMABLE_STATUSES, type TaskRow, type TaskTable, type TaskTx } from './ledger.js';
import type { TaskStatus } from './task.js';

type QueueDexie = Dexie & { tasks: EntityTable<TaskRow, 'id'> };

const STATUSES = new Set<string>(['pending', 'running', 'completed', 'failed', 'retrying', 'cancelled']);

/** A row read back must look like a task: a foreign or corrupt row is an error, never skipped. */
function checked(row: unknown): TaskRow {
  const r = row as Partial<TaskRow> | undefined;
  if (
    typeof r !== 'object' ||
    r === null ||
    typeof r.id !== 'string' ||
    !STATUSES.has(r.status as string) ||
    typeof r.dueAt !== 'number' ||
    (r.kind !== 'agent' && r.kind !== 'handler')
  )
    throw new AfkStorageError('row_corrupt', `corrupt task row ${String(r?.id)} in the queue database`);
  return r as TaskRow;
}

function wrap(e: unknown): unknown {
  if (isAfkError(e)) return e;
  const name = (e as { name?: string })?.name;
  if (name === 'QuotaExceededError')
    return new AfkStorageError('storage_quota', 'the queue database is out of quota', { cause: e });
  if (name === 'DatabaseClosedError')
    return new AfkStorageError('storage_closed', 'the queue database is closed', { cause: e });
  return new AfkStorageError('storage_error', `queue database: ${(e as Error)?.message ?? String(e)}`, {
    cause: e,
  });
}

export interface DexieTableConfig {
  name: string;
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
}

/**
 * The ledger table of `dexieQueue`: one IndexedDB database per queue (`afk-queue:<name>`),
 * rows indexed by `[status+dueAt]` so a claim reads only due rows. IndexedDB serialises
 * read-write transactions on a store across every tab and worker of the origin, which makes a
 * claim atomic: two tabs never claim one task. Changes are announced on a BroadcastChannel.
 */
export class DexieTaskTable implements TaskTable {
  private readonly db: QueueDexie;
  private readonly channel: BroadcastChannel | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(config: DexieTableConfig) {
    const dbName = `afk-queue:${config.name}`;
    this.db = new Dexie(dbName, {
      ...(config.indexedDB ? { indexedDB: config.indexedDB } : {}),
      ...(config.IDBKeyRange ? { IDBKeyRange: config.IDBKeyRange } : {}),
    }) as QueueDexie;
    this.db.version(1).stores({ tasks: 'id, [status+dueAt], createdAt' });
    if (typeof BroadcastChannel === 'function') {
      this.channel = new BroadcastChannel(dbName);
      this.channel.onmessage = () => this.emit();
    }
  }

  async transact<T>(fn: (tx: TaskTx) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction('rw', this.db.tasks, () => fn(this.tx));
    } catch (e) {
      throw wrap(e);
    }
  }

  notify(): void {
    this.channel?.postMessage('changed');
    this.emit();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.channel?.close();
    this.db.close();
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }

  private range(status: TaskStatus, upTo: number = Dexie.maxKey as unknown as number) {
    return this.db.tasks.where('[status+dueAt]').between([status, Dexie.minKey], [status, upTo], true, true);
  }

  private readonly tx: TaskTx = {
    get: async (id) => {
      const r = await this.db.tasks.get(id);
      return r === undefined ? undefined : checked(r);
    },
    put: async (row) => {
      await this.db.tasks.put(row);
    },
    delete: async (ids) => {
      await this.db.tasks.bulkDelete(ids);
    },
    due: async (now, limit) => {
      const lists = await Promise.all(
        CLAIMABLE_STATUSES.map((s) => this.range(s, now).limit(limit).toArray()),
      );
      return lists
        .flat()
        .map(checked)
        .sort((a, b) => a.dueAt - b.dueAt)
        .slice(0, limit);
    },
    nextDue: async () => {
      const firsts = await Promise.all(CLAIMABLE_STATUSES.map((s) => this.range(s).first()));
      let min: number | undefined;
      for (const r of firsts) if (r && (min === undefined || r.dueAt < min)) min = r.dueAt;
      return min;
    },
    byStatus: async (status, limit) => {
      const rows = status
        ? await this.range(status).toArray()
        : await this.db.tasks.orderBy('createdAt').limit(limit).toArray();
      return rows
        .map(checked)
        .sort((a, b) => a.createdAt - b.createdAt)
        .slice(0, limit);
    },
  };
}
