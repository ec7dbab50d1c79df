import { toErrorInfo } from '../errors/index.js';
import type { BackgroundTicket } from '../events/records.js';
import { abortReason } from '../internal/abort.js';
import { type JSONValue, toJSONValue } from '../internal/json.js';
import type { MemoryStore } from '../memory/types.js';
import type { RunFoldState } from './fold.js';
import type { RunnerInternals, TicketHost } from './run-types.js';

/** Background tickets: folding settled work into the transcript, and the bounded wait for it. */

export function hasPendingTickets(state: RunFoldState): boolean {
  for (const id in state.tickets) if (state.tickets[id]?.status === 'pending') return true;
  return false;
}

/** Folds settled or expired tickets into the transcript. Returns how many were ingested. */
export async function ingestTickets(host: TicketHost): Promise<number> {
  let n = 0;
  for (const [ticketId, t] of Object.entries(host.state.tickets)) {
    if (t.status !== 'pending') continue;
    const local = host.rt.settledTickets.get(ticketId);
    let row = await host.rt.store.getTicket(ticketId);
    if (!row && local) {
      // Settled before its ticket row was flushed (e.g. during the tool's own call): write the
      // batch now so the very next model call sees the result, not the one after.
      await host.flush();
      row = await host.rt.store.getTicket(ticketId);
    }
    if (!row) continue;
    const step = host.state.step;
    let settled: BackgroundTicket;
    if (local?.ok || row.status === 'completed') {
      const output = local?.ok ? local.output : (row.output ?? null);
      settled = { ...row, status: 'completed', output };
      host.emit(
        'tool_background_resolved',
        {
          ticketId,
          toolCallId: t.toolCallId,
          toolName: t.toolName,
          output,
          content: `Background result of ${t.toolName} (call ${t.toolCallId}, ticket ${ticketId}): ${JSON.stringify(output)}`,
        },
        step,
      );
    } else if (
      (local && !local.ok) ||
      row.status === 'failed' ||
      row.status === 'expired' ||
      row.expiresAt < Date.now()
    ) {
      const error =
        local && !local.ok
          ? local.error
          : row.status === 'failed'
            ? (row.error ?? 'failed')
            : 'expired before it was resolved';
      settled = { ...row, status: row.status === 'pending' && !local ? 'expired' : 'failed', error };
      host.emit(
        'tool_background_failed',
        {
          ticketId,
          toolCallId: t.toolCallId,
          toolName: t.toolName,
          error,
          content: `Background call ${t.toolName} (call ${t.toolCallId}, ticket ${ticketId}) failed: ${error}`,
        },
        step,
      );
    } else continue;
    host.rt.settledTickets.delete(ticketId);
    host.queueTicket({ ...settled, ingested: true });
    n++;
  }
  return n;
}

/**
 * The model answered while tickets are pending: wait (bounded) for in-process work, then ingest
 * and let the model continue. Returns true when something was ingested.
 */
export async function waitForTickets(host: TicketHost): Promise<boolean> {
  const pending = Object.entries(host.state.tickets).filter(([, t]) => t.status === 'pending');
  if (!pending.length) return false;
  if (await ingestTickets(host)) return true;
  if (host.rt.config.backgroundPolicy === 'interrupt' || host.interruption.aborted) return false;
  // External mode: a ticket no in-process work will settle is resolved from outside, by a caller
  // that resumes the run afterwards; holding run() for backgroundMaxWaitMs would only delay it.
  if (host.rt.config.interactionMode === 'external' && !pending.some(([id]) => hasInProcessWork(host.rt, id)))
    return false;
  const deadline = Date.now() + host.rt.config.backgroundMaxWaitMs;
  while (Date.now() < deadline) {
    await host.flush();
    await waitForEvent(
      host.rt.ticketSignal,
      'settled',
      Math.min(deadline - Date.now(), 250),
      host.signal,
      host.interruption,
      host.rt.store,
      host.init.runId,
    );
    if (await ingestTickets(host)) return true;
    if (host.interruption.aborted) return false;
  }
  return false;
}

type SettleRt = Pick<RunnerInternals, 'store' | 'settledTickets' | 'ticketSignal'>;
type Outcome = { ok: true; output: JSONValue } | { ok: false; error: string };

/** Tickets with in-process work not yet settled, per runner (keyed on its internals). */
const inFlight = new WeakMap<object, Set<string>>();

/** True when `ticketId` has in-process work in this runner (in flight or settled, not ingested). */
export function hasInProcessWork(rt: Pick<RunnerInternals, 'settledTickets'>, ticketId: string): boolean {
  return rt.settledTickets.has(ticketId) || inFlight.get(rt)?.has(ticketId) === true;
}

/**
 * In-process work of a deferred call: when it settles the outcome goes into `settledTickets`
 * (ingested by the run at once) and onto the ticket row, so a runner that resumes elsewhere sees
 * it. A row not yet flushed (the work settled during the tool's own call) is written once it
 * appears, not dropped.
 */
export function settleInProcess(rt: SettleRt, ticket: BackgroundTicket, work: Promise<unknown>): void {
  let set = inFlight.get(rt);
  if (!set) {
    set = new Set();
    inFlight.set(rt, set);
  }
  set.add(ticket.ticketId);
  const settle = (r: Outcome) => {
    rt.settledTickets.set(ticket.ticketId, r);
    inFlight.get(rt)?.delete(ticket.ticketId);
    void persistOutcome(rt, ticket, r)
      .catch(() => undefined)
      .finally(() => rt.ticketSignal.dispatchEvent(new Event('settled')));
  };
  work.then(
    (v) => settle({ ok: true, output: toJSONValue(v) }),
    (e: unknown) => settle({ ok: false, error: toErrorInfo(e).message }),
  );
}

/** Writes the outcome on the pending row; waits for a row that is not written yet. */
async function persistOutcome(rt: SettleRt, ticket: BackgroundTicket, r: Outcome): Promise<void> {
  const write = async (): Promise<boolean> => {
    const row = await rt.store.getTicket(ticket.ticketId);
    if (!row) return false;
    if (row.status === 'pending') {
      await rt.store.write({
        tickets: [
          {
            ...row,
            ...(r.ok ? { status: 'completed', output: r.output } : { status: 'failed', error: r.error }),
          },
        ],
      });
    }
    return true;
  };
  if (await write()) return;
  // The run flushes the row soon (or ingests the outcome itself, which also settles the row).
  const unwatch = rt.store.watch(ticket.runId, () => {
    write()
      .then((done) => {
        if (done) unwatch();
      })
      .catch(() => unwatch());
  });
}

/** Waits for an EventTarget event, a store change for the run, a timeout or an abort. */
function waitForEvent(
  target: EventTarget,
  type: string,
  ms: number,
  signal: AbortSignal,
  interruption: AbortSignal,
  store: MemoryStore,
  runId: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      target.removeEventListener(type, done);
      signal.removeEventListener('abort', onAbort);
      interruption.removeEventListener('abort', done);
      unwatch();
      resolve();
    };
    const onAbort = () => {
      done();
      reject(abortReason(signal));
    };
    const timer = setTimeout(done, Math.max(0, ms));
    target.addEventListener(type, done, { once: true });
    signal.addEventListener('abort', onAbort, { once: true });
    interruption.addEventListener('abort', done, { once: true });
    const unwatch = store.watch(runId, (c) => {
      if (c.kind === 'ticket') done();
    });
  });
}
