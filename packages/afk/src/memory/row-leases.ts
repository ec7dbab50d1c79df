import type { RunLease } from './types.js';

/** The holder and end of a lease as a store keeps it. */
export interface LeaseHolder {
  owner: string;
  /** Epoch ms at which the lease lapses. */
  expiresAt: number;
}

/**
 * The one lease rule of every store: a run can be taken when nobody holds it, when its holder's
 * lease has lapsed (`expiresAt <= now`, the holder died), or when the caller already holds it
 * (renewal). A live lease of another owner is never stolen.
 *
 * @example
 * if (!mayTakeLease(rows.get(runId), owner, Date.now())) return undefined;
 */
export function mayTakeLease(held: LeaseHolder | undefined, owner: string, now: number): boolean {
  return held === undefined || held.owner === owner || held.expiresAt <= now;
}

/**
 * Row-lease bookkeeping shared by the Dexie `leases` table and the SQL `afk_leases` table: the
 * expiry arithmetic (`expiresAt = now + ttlMs`, this process's clock), the leases this store holds
 * (runId → owner, released when the store closes), and a release that deletes the row only while
 * it is still this owner's and only once. A subclass supplies the two atomic row operations.
 */
export abstract class RowLeases {
  /** The leases this store holds (runId → owner), released when the store closes. */
  private readonly held = new Map<string, string>();

  /**
   * Atomically writes `{ runId, owner, expiresAt }` when {@link mayTakeLease} allows it against the
   * stored row (read at `now`); resolves whether it did.
   */
  protected abstract take(runId: string, owner: string, now: number, expiresAt: number): Promise<boolean>;

  /** Deletes the run's lease row if it is still `owner`'s. */
  protected abstract deleteRow(runId: string, owner: string): Promise<void>;

  async acquire(runId: string, owner: string, ttlMs: number): Promise<RunLease | undefined> {
    const now = Date.now();
    const expiresAt = now + ttlMs;
    if (!(await this.take(runId, owner, now, expiresAt))) return undefined;
    this.held.set(runId, owner);
    return {
      runId,
      owner,
      expiresAt,
      release: async () => {
        // Already released by this store's close (or by another lease object of this owner).
        if (this.held.get(runId) !== owner) return;
        this.held.delete(runId);
        await this.deleteRow(runId, owner);
      },
    };
  }

  /** Releases every lease this store holds; rows left behind by a crash expire and are taken over. */
  async releaseAll(): Promise<void> {
    const all = [...this.held];
    this.held.clear();
    await Promise.all(all.map(([runId, owner]) => this.deleteRow(runId, owner).catch(() => undefined)));
  }
}
