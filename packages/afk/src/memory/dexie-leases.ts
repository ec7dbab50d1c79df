import { AfkStorageError } from '../errors/index.js';
import type { AfkDexie } from './dexie-schema.js';
import { mayTakeLease, RowLeases } from './row-leases.js';
import type { LeaseRow } from './rows.js';
import { rowLabel } from './rows.js';
import { toStorageError } from './storage-errors.js';
import type { RunLease } from './types.js';

/** How `DexieStore` leases runs. */
export interface LeaseBackend {
  acquire(runId: string, owner: string, ttlMs: number): Promise<RunLease | undefined>;
  /** Releases every lease this store holds (store closing). */
  releaseAll(): Promise<void>;
}

interface HeldLock {
  owner: string;
  release: () => void;
  /** Settles once the browser has let the lock go. */
  gone: Promise<unknown>;
}

/**
 * Leases on Web Locks (`navigator.locks`), one lock per run named `afk-run:<db>:<runId>`,
 * requested with `ifAvailable` and held until `release()`. The browser frees the lock when the
 * tab or worker goes away, so a crashed owner never needs a TTL to expire: `ttlMs` only sets the
 * reported `expiresAt`, and a live holder is never taken over. The same owner acquiring again
 * (renewal) gets the lock it already holds.
 */
export class WebLockLeases implements LeaseBackend {
  private readonly held = new Map<string, HeldLock>();
  private readonly pending = new Map<string, Promise<unknown>>();

  constructor(
    private readonly locks: LockManager,
    private readonly dbName: string,
  ) {}

  async acquire(runId: string, owner: string, ttlMs: number): Promise<RunLease | undefined> {
    // Serialise acquisitions of one run inside this store, so a renewal never races its own lock.
    for (let p = this.pending.get(runId); p; p = this.pending.get(runId)) await p.catch(() => undefined);
    const cur = this.held.get(runId);
    if (cur) return cur.owner === owner ? this.lease(runId, cur, ttlMs) : undefined;
    const attempt = this.request(runId, owner);
    this.pending.set(runId, attempt);
    try {
      const lock = await attempt;
      return lock && this.lease(runId, lock, ttlMs);
    } finally {
      this.pending.delete(runId);
    }
  }

  async releaseAll(): Promise<void> {
    const all = [...this.held.values()];
    this.held.clear();
    for (const h of all) h.release();
    await Promise.all(all.map((h) => h.gone.catch(() => undefined)));
  }

  private request(runId: string, owner: string): Promise<HeldLock | undefined> {
    return new Promise<HeldLock | undefined>((resolve, reject) => {
      let granted = false;
      const gone = this.locks.request(`afk-run:${this.dbName}:${runId}`, { ifAvailable: true }, (lock) => {
        if (!lock) {
          resolve(undefined);
          return undefined;
        }
        granted = true;
        return new Promise<void>((release) => {
          const held: HeldLock = { owner, release, gone };
          this.held.set(runId, held);
          resolve(held);
        });
      });
      gone.catch((e: unknown) => {
        if (!granted) reject(toStorageError(e, `lock run ${runId}`));
      });
    });
  }

  private lease(runId: string, held: HeldLock, ttlMs: number): RunLease {
    return {
      runId,
      owner: held.owner,
      expiresAt: Date.now() + ttlMs,
      release: async () => {
        if (this.held.get(runId) !== held) return;
        this.held.delete(runId);
        held.release();
        await held.gone.catch(() => undefined);
      },
    };
  }
}

function isLeaseRow(v: unknown): v is LeaseRow {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.runId === 'string' && typeof r.owner === 'string' && typeof r.expiresAt === 'number';
}

/**
 * Row leases in the `leases` table, for contexts without Web Locks (Node, older browsers):
 * read-check-write in one transaction, so two owners cannot both win; an expired row (its
 * owner died) is taken over. Release deletes the row only while it is still this owner's.
 */
export class TableLeases extends RowLeases implements LeaseBackend {
  constructor(private readonly db: () => Promise<AfkDexie>) {
    super();
  }

  protected async take(runId: string, owner: string, now: number, expiresAt: number): Promise<boolean> {
    const db = await this.db();
    try {
      return await db.transaction('rw', db.leases, async () => {
        const row: unknown = await db.leases.get(runId);
        // A tiny hand check: no zod inside a transaction.
        if (row !== undefined && !isLeaseRow(row))
          throw new AfkStorageError(
            'row_corrupt',
            `${rowLabel('leases', runId)} is corrupt; it was left untouched`,
          );
        if (!mayTakeLease(row, owner, now)) return false;
        await db.leases.put({ runId, owner, expiresAt });
        return true;
      });
    } catch (e) {
      throw toStorageError(e, `lease run ${runId}`);
    }
  }

  protected async deleteRow(runId: string, owner: string): Promise<void> {
    const d = await this.db();
    try {
      await d.transaction('rw', d.leases, async () => {
        const row: unknown = await d.leases.get(runId);
        if (isLeaseRow(row) && row.owner === owner) await d.leases.delete(runId);
      });
    } catch (e) {
      throw toStorageError(e, `release lease on run ${runId}`);
    }
  }
}
