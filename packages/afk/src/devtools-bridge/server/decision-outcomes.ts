import {
  BRIDGE_OUTCOME_MESSAGE_MAX,
  type BridgeDecisionReport,
  type BridgeDecisionState,
  type BridgeDecisionStatus,
} from '../decision-protocol.js';
import { BRIDGE_PROTOCOL_VERSION } from '../protocol.js';

/** Decision statuses the server remembers (the newest). */
const KEPT_STATUSES = 10_000;
/** Longest a page's status request waits for a final state. */
export const MAX_STATUS_WAIT_MS = 25_000;

interface Entry {
  status: BridgeDecisionStatus;
  timer: ReturnType<typeof setTimeout> | undefined;
  waiters: Set<() => void>;
}

const key = (source: string, id: number) => `${source}\n${id}`;

/**
 * What became of each routed decision, for the page that made it: `pending` until the Node
 * source reports `applied` or `refused`, or `not_delivered` once `timeoutMs` passed without an
 * answer (or the source ended first). A status request can wait (bounded) for the final state:
 * it is woken by the report or the timeout, never polled. `onUnapplied` is told when a decision ends
 * other than applied (the router lets the page decide again then).
 */
export class DecisionOutcomes {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly timeoutMs: number,
    private readonly onUnapplied: (approvalId: string) => void,
  ) {}

  /** A decision was routed to `source` as number `id`. */
  routed(source: string, id: number, approvalId: string, label: string): void {
    const k = key(source, id);
    this.drop(k);
    const entry: Entry = {
      status: { v: BRIDGE_PROTOCOL_VERSION, id, source, approvalId, state: 'pending', at: Date.now() },
      timer: undefined,
      waiters: new Set(),
    };
    entry.timer = setTimeout(
      () =>
        this.settle(
          entry,
          'not_delivered',
          'not_delivered',
          `${label} did not answer within ${Math.round(this.timeoutMs / 1000)} s: it may be gone or busy. Nothing is known to be decided; decide it where it runs, or try again`,
        ),
      this.timeoutMs,
    );
    entry.timer.unref?.();
    this.entries.set(k, entry);
    if (this.entries.size > KEPT_STATUSES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.drop(oldest);
    }
  }

  /**
   * A Node source's report. Refused (`undefined`) when no decision `id` was routed to that
   * source for that approval. A late report after `not_delivered` still lands (it is the truth).
   */
  report(r: BridgeDecisionReport): BridgeDecisionStatus | undefined {
    const entry = this.entries.get(key(r.source, r.id));
    if (!entry || entry.status.approvalId !== r.approvalId) return undefined;
    const { state } = entry.status;
    if (state === 'applied' || state === 'refused') return entry.status; // a repeated report
    if (r.outcome === 'applied') this.settle(entry, 'applied');
    else
      this.settle(
        entry,
        'refused',
        r.code ?? 'bridge_refused',
        (r.message ?? '').slice(0, BRIDGE_OUTCOME_MESSAGE_MAX) || 'the Node process refused the decision',
      );
    return entry.status;
  }

  /** The pending decisions of a source that ended will never be answered. */
  sourceEnded(source: string, label: string): void {
    for (const entry of this.entries.values())
      if (entry.status.source === source && entry.status.state === 'pending')
        this.settle(entry, 'not_delivered', 'source_gone', `${label} ended before it answered`);
  }

  /**
   * The status of decision `id` of `source`, once it is final or after `waitMs` (bounded), or
   * undefined when unknown. `signal` ends the wait early (the page went away).
   */
  async status(
    source: string,
    id: number,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<BridgeDecisionStatus | undefined> {
    const entry = this.entries.get(key(source, id));
    if (!entry) return undefined;
    if (entry.status.state !== 'pending' || waitMs <= 0) return entry.status;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        entry.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, Math.min(waitMs, MAX_STATUS_WAIT_MS));
      entry.waiters.add(done);
      signal?.addEventListener('abort', done);
    });
    return entry.status;
  }

  close(): void {
    for (const k of [...this.entries.keys()]) this.drop(k);
  }

  private settle(entry: Entry, state: BridgeDecisionState, code?: string, message?: string): void {
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    entry.timer = undefined;
    const wasPending = entry.status.state === 'pending';
    const { v, id, source, approvalId } = entry.status;
    entry.status = {
      v,
      id,
      source,
      approvalId,
      state,
      ...(code === undefined ? {} : { code }),
      ...(message === undefined ? {} : { message }),
      at: Date.now(),
    };
    for (const w of [...entry.waiters]) w();
    if (wasPending && state !== 'applied') this.onUnapplied(approvalId);
  }

  private drop(k: string): void {
    const entry = this.entries.get(k);
    if (!entry) return;
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    for (const w of [...entry.waiters]) w();
    this.entries.delete(k);
  }
}
