import { AfkError } from '../errors/index.js';
import type { JSONValue } from '../internal/json.js';
import type { AttemptOutcome, TaskListFilter } from './backend.js';
import { backoffDelay } from './backoff.js';
import { attemptRunId, type NewTask, newTaskItem, type TaskItem, type TaskStatus } from './task.js';

/**
 * A task as a ledger table stores it: the item plus when it may next be claimed (`dueAt`:
 * enqueue time when pending, the retry time when retrying, the lease expiry when running) and
 * the current claim. Flat, so IndexedDB can index `[status+dueAt]`.
 */
export type TaskRow = TaskItem & {
  dueAt: number;
  /** The claim of the running attempt: only its holder may settle or renew it. */
  claimToken?: string;
  owner?: string;
};

/** The statuses a worker may claim (running only once its lease expired). */
export const CLAIMABLE_STATUSES: readonly TaskStatus[] = ['pending', 'retrying', 'running'];

/** One atomic view of a ledger table (a JS turn in memory, an IndexedDB transaction in Dexie). */
export interface TaskTx {
  get(id: string): Promise<TaskRow | undefined>;
  put(row: TaskRow): Promise<void>;
  delete(ids: string[]): Promise<void>;
  /** Rows of a claimable status with `dueAt <= now`, earliest due first, at most `limit`. */
  due(now: number, limit: number): Promise<TaskRow[]>;
  /** The earliest `dueAt` of a claimable row, or undefined. */
  nextDue(): Promise<number | undefined>;
  byStatus(status: TaskStatus | undefined, limit: number): Promise<TaskRow[]>;
}

/** Storage of a ledger backend: atomic transactions plus change notifications. */
export interface TaskTable {
  transact<T>(fn: (tx: TaskTx) => Promise<T>): Promise<T>;
  /** Tells other connections (tabs) that tasks changed. */
  notify(): void;
  /** Changes made by other connections (and this one). Returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
  close(): Promise<void>;
}

/** A claimed attempt: the task and the token that proves the claim. */
export interface Claim {
  task: TaskItem;
  token: string;
}

/** The public copy of a row: internal fields stripped, structured-clone safe. */
export function toItem(row: TaskRow): TaskItem {
  const { dueAt: _d, claimToken: _c, owner: _o, ...item } = row;
  return structuredClone(item) as TaskItem;
}

function notFound(id: string): AfkError {
  return new AfkError('not_found', `no task ${id} in this queue`);
}

/**
 * The task state machine over a `TaskTable`, shared by the memory and Dexie backends. Every
 * transition is one transaction; settling needs the claim token, so a worker whose lease
 * expired (and whose task another worker took over) cannot complete, fail or hand it back.
 */
export class TaskLedger {
  constructor(
    readonly table: TaskTable,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  async enqueue(task: NewTask): Promise<TaskItem> {
    const row: TaskRow = { ...newTaskItem(task), dueAt: task.createdAt };
    await this.table.transact(async (tx) => {
      if (await tx.get(row.id)) throw new AfkError('invalid_argument', `task ${row.id} already exists`);
      await tx.put(row);
    });
    this.table.notify();
    return toItem(row);
  }

  async get(id: string): Promise<TaskItem | undefined> {
    const row = await this.table.transact((tx) => tx.get(id));
    return row && toItem(row);
  }

  async list(filter: TaskListFilter = {}): Promise<TaskItem[]> {
    const rows = await this.table.transact((tx) => tx.byStatus(filter.status, filter.limit ?? 1000));
    return rows.map(toItem);
  }

  async cancel(id: string): Promise<TaskItem> {
    const row = await this.table.transact(async (tx) => {
      const r = await tx.get(id);
      if (!r) throw notFound(id);
      if (r.status === 'completed' || r.status === 'failed' || r.status === 'cancelled') return r;
      const next = strip({ ...r, status: 'cancelled', completedAt: this.now(), dueAt: 0 });
      await tx.put(next);
      return next;
    });
    this.table.notify();
    return toItem(row);
  }

  async redrive(id: string): Promise<TaskItem> {
    const row = await this.table.transact(async (tx) => {
      const r = await tx.get(id);
      if (!r) throw notFound(id);
      if (r.status !== 'failed')
        throw new AfkError(
          'invalid_argument',
          `task ${id} is ${r.status}; only dead letters can be redriven`,
        );
      const next = strip({
        ...r,
        status: 'pending',
        retryCount: 0,
        redriveCount: r.redriveCount + 1,
        dueAt: this.now(),
      });
      delete next.completedAt;
      delete next.error;
      await tx.put(next);
      return next;
    });
    this.table.notify();
    return toItem(row);
  }

  async purge(ids?: string[]): Promise<number> {
    return this.table.transact(async (tx) => {
      const dead = ids
        ? (await Promise.all(ids.map((id) => tx.get(id)))).filter((r) => r?.status === 'failed')
        : await tx.byStatus('failed', Number.MAX_SAFE_INTEGER);
      await tx.delete(dead.map((r) => r!.id));
      return dead.length;
    });
  }

  /** Claims up to `limit` due tasks for `owner` for `ttlMs`. */
  async claim(owner: string, ttlMs: number, limit: number): Promise<Claim[]> {
    if (limit <= 0) return [];
    const now = this.now();
    const claims = await this.table.transact(async (tx) => {
      const due = await tx.due(now, limit);
      const out: Claim[] = [];
      for (const r of due) {
        const token = `${owner}:${r.id}:${r.attempts + 1}`;
        const next: TaskRow = {
          ...r,
          status: 'running',
          attempts: r.attempts + 1,
          startedAt: now,
          dueAt: now + ttlMs,
          claimToken: token,
          owner,
        };
        delete next.nextAttemptAt;
        if (next.kind === 'agent') next.runId = attemptRunId(next);
        await tx.put(next);
        out.push({ task: toItem(next), token });
      }
      return out;
    });
    if (claims.length) this.table.notify();
    return claims;
  }

  /** Extends a claim; false when the claim is no longer this holder's (expired and taken, or cancelled). */
  async renew(id: string, token: string, ttlMs: number): Promise<boolean> {
    return this.table.transact(async (tx) => {
      const r = await tx.get(id);
      if (r?.status !== 'running' || r.claimToken !== token) return false;
      await tx.put({ ...r, dueAt: this.now() + ttlMs });
      return true;
    });
  }

  /** The earliest time a task becomes claimable (undefined: none waiting). */
  nextDue(): Promise<number | undefined> {
    return this.table.transact((tx) => tx.nextDue());
  }

  /**
   * Records an attempt's outcome. Returns the task after the transition, or undefined when the
   * claim was no longer valid (the task was cancelled or taken over): nothing is changed then.
   */
  async settle(
    id: string,
    token: string,
    outcome: AttemptOutcome,
  ): Promise<
    { task: TaskItem; transition: 'completed' | 'retrying' | 'failed' | 'handed_back' } | undefined
  > {
    const res = await this.table.transact(async (tx) => {
      const r = await tx.get(id);
      if (r?.status !== 'running' || r.claimToken !== token) return undefined;
      const now = this.now();
      const base = strip(r);
      let next: TaskRow;
      let transition: 'completed' | 'retrying' | 'failed' | 'handed_back';
      if (outcome.kind === 'completed') {
        next = {
          ...base,
          status: 'completed',
          result: outcome.result as JSONValue,
          completedAt: now,
          dueAt: 0,
        };
        delete next.error;
        transition = 'completed';
      } else if (outcome.kind === 'handed_back') {
        next = { ...base, status: r.retryCount > 0 ? 'retrying' : 'pending', dueAt: now };
        transition = 'handed_back';
      } else if (outcome.retryable && r.retryCount < r.maxRetries) {
        const retryCount = r.retryCount + 1;
        const at = now + backoffDelay(r.backoff, retryCount, this.random);
        next = {
          ...base,
          status: 'retrying',
          retryCount,
          error: outcome.error,
          nextAttemptAt: at,
          dueAt: at,
        };
        transition = 'retrying';
      } else {
        next = { ...base, status: 'failed', error: outcome.error, completedAt: now, dueAt: 0 };
        transition = 'failed';
      }
      await tx.put(next);
      return { task: toItem(next), transition };
    });
    if (res) this.table.notify();
    return res;
  }
}

/** The row without its claim. */
function strip(r: TaskRow): TaskRow {
  const { claimToken: _c, owner: _o, ...rest } = r;
  return rest as TaskRow;
}
