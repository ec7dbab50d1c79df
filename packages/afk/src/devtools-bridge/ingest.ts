import type { ApprovalRequest, BackgroundTicket } from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import type { MemoryStore, RunRecord, StoreBatch } from '../memory/types.js';
import type { BridgeBatch } from './shape.js';

/** Why a part of a bridged batch was not applied. */
export interface BridgeRejection {
  /**
   * `conflict`: the store holds a different event at that seq (another writer of that run id);
   * `gap`: the batch does not continue the stored log (batches were lost on the way);
   * `stale`: the approval was already decided differently here; `write_failed`: the store refused.
   */
  kind: 'conflict' | 'gap' | 'stale' | 'write_failed';
  runId: string;
  message: string;
}

/** What `applyBridgeBatch` did. */
export interface BridgeApplyResult {
  /** New events written, and runs, approvals, tickets written or updated. */
  events: number;
  records: number;
  /** Records already stored as they are (a replayed batch): left alone. */
  duplicates: number;
  rejected: BridgeRejection[];
}

/** JSON with sorted keys: two records compare equal whatever order their keys came in. */
function stable(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );
}

const same = (a: unknown, b: unknown) => stable(a) === stable(b);

/**
 * Writes a batch that came over the devtools bridge into a local store, idempotently: events
 * the store already holds identically are skipped (the same batch twice leaves one copy), new
 * ones are appended where they continue the stored log, a different event at a stored seq is a
 * `conflict` and a batch that does not continue the log a `gap` (both reported, nothing of that
 * run's batch applied). A run record replaces the stored one only when it is as new or newer;
 * an approval decided here is never overwritten by an older pending copy.
 *
 * @example
 * const r = await applyBridgeBatch(store, message.batch);
 * for (const x of r.rejected) console.warn(x.kind, x.runId, x.message);
 */
export function applyBridgeBatch(store: MemoryStore, batch: BridgeBatch): Promise<BridgeApplyResult> {
  return apply(store, batch, true);
}

async function apply(store: MemoryStore, batch: BridgeBatch, retry: boolean): Promise<BridgeApplyResult> {
  const result: BridgeApplyResult = { events: 0, records: 0, duplicates: 0, rejected: [] };
  const byRun = new Map<string, RunEvent[]>();
  for (const e of batch.events ?? []) {
    const list = byRun.get(e.runId);
    if (list) list.push(e);
    else byRun.set(e.runId, [e]);
  }
  const blocked = new Set<string>();
  const write: StoreBatch = {};
  const fresh: RunEvent[] = [];
  for (const [runId, events] of byRun) {
    const plan = await newEvents(store, runId, events);
    if ('rejected' in plan) {
      result.rejected.push(plan.rejected);
      blocked.add(runId);
      continue;
    }
    result.duplicates += events.length - plan.events.length;
    fresh.push(...plan.events);
  }
  if (fresh.length) write.events = fresh;
  if (batch.run && !blocked.has(batch.run.runId)) {
    const stored = await store.getRun(batch.run.runId);
    if (stored && same(stored, batch.run)) result.duplicates++;
    else if (!stored || isNewer(batch.run, stored)) write.run = batch.run;
  }
  const approvals: ApprovalRequest[] = [];
  for (const a of batch.approvals ?? []) {
    if (blocked.has(a.runId)) continue;
    const stored = await store.getApproval(a.id);
    if (stored && same(stored, a)) result.duplicates++;
    else if (stored && stored.status !== 'pending') {
      if (a.status !== 'pending')
        result.rejected.push({
          kind: 'stale',
          runId: a.runId,
          message: `approval ${a.id} is already ${stored.status} here; the bridged ${a.status} copy was not applied`,
        });
    } else approvals.push(a);
  }
  if (approvals.length) write.approvals = approvals;
  const tickets: BackgroundTicket[] = [];
  for (const t of batch.tickets ?? []) {
    if (blocked.has(t.runId)) continue;
    const stored = await store.getTicket(t.ticketId);
    if (stored && same(stored, t)) result.duplicates++;
    else if (!stored || stored.status === 'pending' || t.status !== 'pending') tickets.push(t);
  }
  if (tickets.length) write.tickets = tickets;
  if (batch.thread) {
    const stored = await store.getThread(batch.thread.threadId);
    if (stored && same(stored, batch.thread)) result.duplicates++;
    else if (!stored || batch.thread.updatedAt >= stored.updatedAt) write.thread = batch.thread;
  }
  const records = (write.run ? 1 : 0) + approvals.length + tickets.length + (write.thread ? 1 : 0);
  if (fresh.length === 0 && records === 0) return result;
  try {
    await store.write(write);
    result.events += fresh.length;
    result.records += records;
  } catch (e) {
    // Another tab applied the same batch meanwhile: check once more (then it is a duplicate).
    if (retry) return apply(store, batch, false);
    result.rejected.push({
      kind: 'write_failed',
      runId: batch.run?.runId ?? fresh[0]?.runId ?? '',
      message: e instanceof Error ? e.message : String(e),
    });
  }
  return result;
}

function isNewer(incoming: RunRecord, stored: RunRecord): boolean {
  if (incoming.lastSeq !== stored.lastSeq) return incoming.lastSeq > stored.lastSeq;
  return incoming.updatedAt >= stored.updatedAt;
}

/** The events of one run that are not stored yet, or why the batch cannot be applied. */
async function newEvents(
  store: MemoryStore,
  runId: string,
  events: RunEvent[],
): Promise<{ events: RunEvent[] } | { rejected: BridgeRejection }> {
  const first = events[0]?.seq ?? 0;
  const last = events.at(-1)?.seq ?? first;
  const stored = await store.readEvents(runId, { fromSeq: Math.max(0, first - 1), toSeq: last });
  const bySeq = new Map(stored.map((e) => [e.seq, e]));
  const out: RunEvent[] = [];
  for (const e of events) {
    const had = bySeq.get(e.seq);
    if (!had) {
      out.push(e);
      continue;
    }
    if (!same(had, e))
      return {
        rejected: {
          kind: 'conflict',
          runId,
          message: `run ${runId} already has a different event at seq ${e.seq} (${had.type} here, ${e.type} bridged); not applied`,
        },
      };
    if (out.length)
      return {
        rejected: {
          kind: 'conflict',
          runId,
          message: `run ${runId}: the bridged events skip stored seqs; not applied`,
        },
      };
  }
  const next = out[0]?.seq;
  if (next !== undefined && next > 0 && !bySeq.has(next - 1))
    return {
      rejected: {
        kind: 'gap',
        runId,
        message: `run ${runId}: bridged events start at seq ${next} but the page has none before (batches were lost); not applied`,
      },
    };
  return { events: out };
}
