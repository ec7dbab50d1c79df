import { StoreChangeSchema } from '../rows.js';
import type { StoreChange } from '../types.js';

/**
 * The NOTIFY payloads of `PostgresStore.watch`: `{"o": origin, "c": [[runId, lastSeq, kind]…]}`,
 * split so each stays under PostgreSQL's 8000-byte payload limit. `origin` identifies the
 * writing store instance, which already told its own watchers and skips its own notifications.
 */

const MAX_PAYLOAD_BYTES = 7_000;
const utf8 = new TextEncoder();
// Wire indexes: append only (an older reader drops a payload with an index it does not know).
const KINDS: ReadonlyArray<StoreChange['kind']> = ['events', 'approval', 'ticket', 'run', 'eval'];

type Wire = [string, number, number];

export function encodeChanges(origin: string, changes: readonly StoreChange[]): string[] {
  const out: string[] = [];
  let cur: Wire[] = [];
  let size = 0;
  const head = `{"o":${JSON.stringify(origin)},"c":[]}`.length;
  for (const c of changes) {
    const w: Wire = [c.runId, c.lastSeq, KINDS.indexOf(c.kind)];
    const len = utf8.encode(JSON.stringify(w)).length + 1;
    if (cur.length && head + size + len > MAX_PAYLOAD_BYTES) {
      out.push(JSON.stringify({ o: origin, c: cur }));
      cur = [];
      size = 0;
    }
    cur.push(w);
    size += len;
  }
  if (cur.length) out.push(JSON.stringify({ o: origin, c: cur }));
  return out;
}

/** Decodes a payload; undefined when it is not one of ours (another writer on the channel). */
export function decodeChanges(payload: string): { origin: string; changes: StoreChange[] } | undefined {
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const { o, c } = v as { o?: unknown; c?: unknown };
  if (typeof o !== 'string' || !Array.isArray(c)) return undefined;
  const changes: StoreChange[] = [];
  for (const w of c) {
    if (!Array.isArray(w)) return undefined;
    const r = StoreChangeSchema.safeParse({ runId: w[0], lastSeq: w[1], kind: KINDS[w[2] as number] });
    if (!r.success) return undefined;
    changes.push(r.data);
  }
  return { origin: o, changes };
}
