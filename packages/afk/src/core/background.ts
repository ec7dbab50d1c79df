import type { BackgroundTicket } from '../events/records.js';
import { abortReason } from '../internal/abort.js';
import type { MemoryStore } from '../memory/types.js';
import type { RunFoldState } from './fold.js';
import type { TicketHost } from './run-types.js';

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
    const row = await host.rt.store.getTicket(ticketId);
    if (!row) continue;
    const local = host.rt.settledTickets.get(ticketId);
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
  if (host.rt.config.backgroundPolicy === 'interrupt') return false;
  const deadline = Date.now() + host.rt.config.backgroundMaxWaitMs;
  while (Date.now() < deadline) {
    await host.flush();
    await waitForEvent(
      host.rt.ticketSignal,
      'settled',
      Math.min(deadline - Date.now(), 250),
      host.signal,
      host.rt.store,
      host.init.runId,
    );
    if (await ingestTickets(host)) return true;
  }
  return false;
}

/** Waits for an EventTarget event, a store change for the run, a timeout or an abort. */
function waitForEvent(
  target: EventTarget,
  type: string,
  ms: number,
  signal: AbortSignal,
  store: MemoryStore,
  runId: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      target.removeEventListener(type, done);
      signal.removeEventListener('abort', onAbort);
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
    const unwatch = store.watch(runId, (c) => {
      if (c.kind === 'ticket') done();
    });
  });
}
