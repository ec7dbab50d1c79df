import type { RunLease } from '../types.js';
import type { SqlDriver } from './driver.js';
import { toSqlStorageError } from './sql-errors.js';

/**
 * Row leases in `afk_leases`: one conditional upsert takes a free or expired row, or renews the
 * caller's own, and returns nothing when another live owner holds it, so two workers never
 * both win (`… ON CONFLICT DO UPDATE … WHERE owner = $2 OR expires_at <= now RETURNING`).
 * Times are this process's clock (epoch ms): the hosts sharing a database need synchronised
 * clocks (NTP); a skew of d ms lets a lease be taken over d ms early or late. Release deletes
 * the row only while it is still this owner's.
 */
export class SqlLeases {
  /** Leases this store holds (runId → owner), released when the store closes. */
  private readonly held = new Map<string, string>();

  constructor(
    private readonly driver: () => Promise<SqlDriver>,
    private readonly s: string,
  ) {}

  async acquire(runId: string, owner: string, ttlMs: number): Promise<RunLease | undefined> {
    const db = await this.driver();
    const now = Date.now();
    const expiresAt = now + ttlMs;
    let won: boolean;
    try {
      const r = await db.query(
        `INSERT INTO ${this.s}.afk_leases (run_id, owner, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (run_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
         WHERE ${this.s}.afk_leases.owner = EXCLUDED.owner OR ${this.s}.afk_leases.expires_at <= $4
         RETURNING owner`,
        [runId, owner, expiresAt, now],
      );
      won = r.rowCount > 0;
    } catch (e) {
      throw toSqlStorageError(e, `lease run ${runId}`);
    }
    if (!won) return undefined;
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

  /** Releases every lease this store holds; rows left by a crash expire and are taken over. */
  async releaseAll(): Promise<void> {
    const all = [...this.held];
    this.held.clear();
    await Promise.all(all.map(([runId, owner]) => this.deleteRow(runId, owner).catch(() => undefined)));
  }

  private async deleteRow(runId: string, owner: string): Promise<void> {
    const db = await this.driver();
    try {
      await db.query(`DELETE FROM ${this.s}.afk_leases WHERE run_id = $1 AND owner = $2`, [runId, owner]);
    } catch (e) {
      throw toSqlStorageError(e, `release lease on run ${runId}`);
    }
  }
}
