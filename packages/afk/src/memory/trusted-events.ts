import { type RunEvent, RunEventDataSchemas, RunEventSchema } from '../events/run-event.js';
import { parseRow } from './rows.js';

const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.keys(RunEventDataSchemas));

/**
 * The display read of a store's own event rows (`ReadEventsOptions.validate: 'structural'`):
 * rows the store wrote were validated against `RunEventSchema` on the way in, so each row read
 * back is only checked for what would make it someone else's or not an event at all — an object
 * with this run id, the next seq after the row before it, a known `type`, a string thread id, a
 * number `ts` and object `data` — and returned as stored (no copy). A row that fails that check
 * gets the full parse: it is returned if it is a valid event after all (a gap, say), and is
 * `row_corrupt` naming its key otherwise, exactly as a full read would report it.
 *
 * What this gives up: a row whose envelope is right but whose `data` is malformed (written past
 * the store, e.g. by hand in another tab's DevTools) is returned; the debugger's fold then fails
 * on it, and `Debugger.timeline` re-reads the run with full validation to name the bad row.
 *
 * @example
 * const events = trustedEvents('run_1', await db.events.where('[runId+seq]').between(...).toArray());
 */
export function trustedEvents(runId: string, rows: readonly unknown[]): RunEvent[] {
  const out = new Array<RunEvent>(rows.length);
  let expected: number | undefined;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Partial<Record<keyof RunEvent, unknown>> | null;
    const ok =
      typeof row === 'object' &&
      row !== null &&
      row.runId === runId &&
      typeof row.seq === 'number' &&
      (expected === undefined ? Number.isSafeInteger(row.seq) && row.seq >= 0 : row.seq === expected) &&
      typeof row.type === 'string' &&
      KNOWN_TYPES.has(row.type) &&
      typeof row.threadId === 'string' &&
      typeof row.ts === 'number' &&
      (row.step === undefined || typeof row.step === 'number') &&
      typeof row.data === 'object' &&
      row.data !== null;
    const event = ok ? (row as RunEvent) : parseRow<RunEvent>(RunEventSchema, 'events', keyOf(row), row);
    out[i] = event;
    expected = event.seq + 1;
  }
  return out;
}

function keyOf(row: unknown): unknown {
  if (typeof row !== 'object' || row === null) return undefined;
  const r = row as Record<string, unknown>;
  return [r.runId, r.seq];
}
