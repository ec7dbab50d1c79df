import { RowLeases } from '../row-leases.js';
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
export class SqlLeases extends RowLeases {
  constructor(
    private readonly driver: () => Promise<SqlDriver>,
    private readonly s: string,
  ) {
    super();
  }

  /** `mayTakeLease` as one statement: the upsert's `WHERE` is the same rule. */
  protected async take(runId: string, owner: string, now: number, expiresAt: number): Promise<boolean> {
    const db = await this.driver();
    try {
      const r = await db.query(
        `INSERT INTO ${this.s}.afk_leases (run_id, owner, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (run_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
         WHERE ${this.s}.afk_leases.owner = EXCLUDED.owner OR ${this.s}.afk_leases.expires_at <= $4
         RETURNING owner`,
        [runId, owner, expiresAt, now],
      );
      return r.rowCount > 0;
    } catch (e) {
      throw toSqlStorageError(e, `lease run ${runId}`);
    }
  }

  protected async deleteRow(runId: string, owner: string): Promise<void> {
    const db = await this.driver();
    try {
      await db.query(`DELETE FROM ${this.s}.afk_leases WHERE run_id = $1 AND owner = $2`, [runId, owner]);
    } catch (e) {
      throw toSqlStorageError(e, `release lease on run ${runId}`);
    }
  }
}
