import { type IntervalTree, type ObservabilitySet, RangeSet } from 'dexie';
import type { RunAppend } from './batch.js';
import type { AfkDexie } from './dexie-schema.js';
import type { StoreBatch, StoreChange } from './types.js';

/**
 * Tells Dexie `liveQuery` readers (this tab and every other one on the origin) about a batch
 * `DexieStore` wrote with the raw IndexedDB API, which Dexie's own change tracking does not see.
 *
 * Dexie tabs tell each other what changed on a `BroadcastChannel` named `x-storagemutated-1`
 * (versioned, shared by Dexie 3.2+ and 4). Posting the batch's mutated parts there reaches every
 * Dexie instance, this tab's included (a channel does not hear only its own object), and each
 * re-runs the affected live queries after dropping their cached results, exactly as for a write
 * made in another tab. The parts name what Dexie's observability middleware would have: the
 * primary keys written (as changed and possibly deleted keys) and the new value of every index.
 */
const DEXIE_CHANNEL = 'x-storagemutated-1';

let channel: BroadcastChannel | null | undefined;

function dexieChannel(): BroadcastChannel | null {
  if (channel !== undefined) return channel;
  if (typeof BroadcastChannel === 'undefined') {
    channel = null;
    return null;
  }
  channel = new BroadcastChannel(DEXIE_CHANNEL);
  // Node: a channel kept only for posting must not keep the process alive.
  (channel as unknown as { unref?: () => void }).unref?.();
  return channel;
}

interface IndexSpec {
  name: string;
  keyPath: string | string[];
}

/** Index key paths per table, read once from Dexie's schema (they never change at runtime). */
const indexCache = new WeakMap<AfkDexie, Map<string, IndexSpec[]>>();

function indexesOf(db: AfkDexie, table: string): IndexSpec[] {
  let byTable = indexCache.get(db);
  if (!byTable) {
    byTable = new Map();
    indexCache.set(db, byTable);
  }
  let specs = byTable.get(table);
  if (!specs) {
    specs = db
      .table(table)
      .schema.indexes.map((i) => ({ name: i.name, keyPath: i.keyPath as string | string[] }));
    byTable.set(table, specs);
  }
  return specs;
}

function indexKey(row: Record<string, unknown>, keyPath: string | string[]): unknown {
  if (typeof keyPath === 'string') return row[keyPath];
  const key: unknown[] = [];
  for (const p of keyPath) {
    const v = row[p];
    if (v === undefined || v === null) return undefined;
    key.push(v);
  }
  return key;
}

/** The mutated parts of a batch, in Dexie's `ObservabilitySet` format. */
export function mutatedParts(
  db: AfkDexie,
  batch: StoreBatch,
  plan: ReadonlyMap<string, RunAppend>,
): ObservabilitySet {
  const parts: ObservabilitySet = {};
  const prefix = `idb://${db.name}/`;
  const keys = (table: string, tree: IntervalTree) => {
    parts[`${prefix}${table}/`] = tree;
    parts[`${prefix}${table}/:dels`] = tree;
  };
  const rows = (table: string, pk: string, list: ReadonlyArray<object>) => {
    keys(table, new RangeSet().addKeys(list.map((r) => (r as Record<string, unknown>)[pk] as string)));
    for (const ix of indexesOf(db, table)) {
      const set = new RangeSet();
      for (const r of list) {
        const k = indexKey(r as Record<string, unknown>, ix.keyPath);
        if (k !== undefined && k !== null) set.addKey(k as string);
      }
      parts[`${prefix}${table}/${ix.name}`] = set;
    }
  };
  if (plan.size) {
    // A run's appended seqs are contiguous: one range per run.
    const set = new RangeSet();
    for (const [runId, r] of plan) set.add(new RangeSet([runId, r.first], [runId, r.next - 1]));
    keys('events', set);
  }
  if (batch.run) rows('runs', 'runId', [batch.run]);
  if (batch.snapshot)
    keys(
      'snapshots',
      new RangeSet([batch.snapshot.runId, batch.snapshot.seq], [batch.snapshot.runId, batch.snapshot.seq]),
    );
  if (batch.approvals?.length) rows('approvals', 'id', batch.approvals);
  if (batch.tickets?.length) rows('tickets', 'ticketId', batch.tickets);
  if (batch.thread) rows('threads', 'threadId', [batch.thread]);
  return parts;
}

/** A batch written on the raw API, which Dexie's change tracking did not see. */
export interface RawBatch {
  db: AfkDexie;
  batch: StoreBatch;
  plan: ReadonlyMap<string, RunAppend>;
}

/** Merges `more` into `into` (per part, the union of the key ranges). */
function mergeParts(into: ObservabilitySet, more: ObservabilitySet): void {
  for (const [part, tree] of Object.entries(more)) {
    const had = into[part];
    into[part] = had ? new RangeSet().add(had).add(tree) : tree;
  }
}

/**
 * Announces committed batches to other readers, off the writer's path: the `BroadcastChannel`
 * posts (a structured clone and a hop through the browser process each, as long as the commit
 * itself on a loaded machine) run in a task after `write` has resolved, coalesced: the batches
 * committed meanwhile go out as one AFK ping and one Dexie ping. This tab's `watch` listeners
 * are told at once by the store; `flush()` sends what is pending now (before closing).
 */
export class BatchAnnouncer {
  private changes: StoreChange[] = [];
  private raw: RawBatch[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly post: ((changes: StoreChange[]) => void) | undefined) {}

  /** Queues a batch; `db` set when Dexie did not see it (written on the raw API). */
  announce(changes: StoreChange[], raw: RawBatch | undefined): void {
    if (this.post) for (const c of changes) this.changes.push(c);
    if (raw) this.raw.push(raw);
    this.timer ??= setTimeout(() => this.flush(), 0);
  }

  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const changes = this.changes;
    const raw = this.raw;
    this.changes = [];
    this.raw = [];
    if (changes.length) this.post?.(changes);
    const bc = raw.length ? dexieChannel() : null;
    if (bc) {
      try {
        const parts: ObservabilitySet = {};
        for (const r of raw) mergeParts(parts, mutatedParts(r.db, r.batch, r.plan));
        bc.postMessage(parts);
      } catch {
        // Live views are observers: a failed ping never fails a committed write.
      }
    }
  }
}
