import { AfkError } from '../errors/index.js';
import type { BackgroundTicket } from '../events/records.js';
import { toJSONValue } from '../internal/json.js';
import type { RunnerInternals } from './run-types.js';

/** The background-ticket APIs of `Runner`: list, resolve and fail external tickets. */

type TicketRef = { threadId: string; runId: string; ticketId: string };

export function listTickets(
  rt: Pick<RunnerInternals, 'store'>,
  opts: { threadId: string; runId: string; includeResolved?: boolean },
): Promise<BackgroundTicket[]> {
  return rt.store.listTickets({
    threadId: opts.threadId,
    runId: opts.runId,
    includeResolved: opts.includeResolved ?? false,
  });
}

/** Settles a pending ticket with a result or an error, and wakes executions waiting for it. */
export async function settleTicket(
  rt: Pick<RunnerInternals, 'store' | 'ticketSignal'>,
  opts: TicketRef,
  outcome: { output: unknown } | { error: string },
): Promise<void> {
  const t = await pendingTicket(rt, opts);
  await rt.store.write({
    tickets: [
      'output' in outcome
        ? { ...t, status: 'completed', output: toJSONValue(outcome.output) }
        : { ...t, status: 'failed', error: String(outcome.error) },
    ],
  });
  rt.ticketSignal.dispatchEvent(new Event('settled'));
}

async function pendingTicket(rt: Pick<RunnerInternals, 'store'>, opts: TicketRef): Promise<BackgroundTicket> {
  const t = await rt.store.getTicket(opts.ticketId);
  if (!t || t.runId !== opts.runId || t.threadId !== opts.threadId) {
    throw new AfkError('ticket_not_found', `no background ticket ${opts.ticketId} on run ${opts.runId}`);
  }
  if (t.status !== 'pending')
    throw new AfkError('invalid_argument', `ticket ${opts.ticketId} is already ${t.status}`);
  return t;
}
