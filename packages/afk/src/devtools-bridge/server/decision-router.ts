import type { ServerResponse } from 'node:http';
import type { ApprovalRequest } from '../../events/records.js';
import type {
  BridgeDecisionAccepted,
  BridgeDecisionEvent,
  BridgeDecisionMessage,
  BridgeDecisionReport,
  BridgeDecisionStatus,
} from '../decision-protocol.js';
import { BRIDGE_PROTOCOL_VERSION, type BridgeIngestMessage } from '../protocol.js';
import { DecisionOutcomes } from './decision-outcomes.js';

/** Approvals the router remembers (the newest; older ones can no longer be decided from a page). */
const TRACKED_APPROVALS = 50_000;
/** Decisions kept per source for a decision stream that reconnects. */
const KEPT_DECISIONS = 1_000;

interface Tracked {
  source: string;
  label: string;
  runId: string;
  rootRunId: string;
  status: ApprovalRequest['status'];
  /** A decision for it was routed already (a second one is refused). */
  routed: boolean;
}

interface SourceLine {
  label: string;
  next: number;
  kept: Array<{ id: number; frame: string }>;
  streams: Set<ServerResponse>;
}

/** Why a decision was refused: an HTTP status, a stable code and a sentence for the page. */
export interface DecisionRefusal {
  status: number;
  code: string;
  message: string;
}

/**
 * Routes decisions made in a page to the Node source whose run asked for them. The router learns
 * which source sent which approval from the ingested batches; a decision is accepted only for an
 * approval a source sent, that is pending as far as the server knows, and was not decided from a
 * page before, and only while that source is sending and listens for decisions
 * (`bridge.acceptDecisions`). Accepted decisions are numbered per source and kept (bounded) so a
 * decision stream that reconnects with `lastEventId` gets what it missed.
 */
export class DecisionRouter {
  private readonly approvals = new Map<string, Tracked>();
  private readonly lines = new Map<string, SourceLine>();
  /** Counters for `stats()`. */
  readonly counters = { decisions: 0, refusedDecisions: 0 };
  /** What became of the routed decisions (reported by the Node sources, or timed out). */
  private readonly outcomes: DecisionOutcomes;

  constructor(
    private readonly isSending: (sourceId: string) => boolean,
    /** How long a routed decision waits for its source's report before it is `not_delivered`. */
    decisionTimeoutMs = 15_000,
  ) {
    // A decision that was not applied can be made again from the page (e.g. a corrected edit).
    this.outcomes = new DecisionOutcomes(decisionTimeoutMs, (approvalId) => {
      const a = this.approvals.get(approvalId);
      if (a) a.routed = false;
    });
  }

  /** Learns the approvals of one ingested message; a closing source's decision streams end. */
  track(msg: BridgeIngestMessage): void {
    for (const batch of msg.batches)
      for (const a of batch.approvals ?? []) {
        const known = this.approvals.get(a.id);
        this.approvals.delete(a.id);
        this.approvals.set(a.id, {
          source: msg.source.id,
          label: msg.source.label,
          runId: a.runId,
          rootRunId: a.rootRunId,
          status: a.status,
          routed: (known?.routed ?? false) && a.status === 'pending',
        });
        if (this.approvals.size > TRACKED_APPROVALS) {
          const oldest = this.approvals.keys().next().value;
          if (oldest !== undefined) this.approvals.delete(oldest);
        }
      }
    if (msg.closing) this.endSource(msg.source.id);
  }

  /** Routes one validated decision, or says why not. */
  decide(
    msg: BridgeDecisionMessage,
  ): { ok: true; value: BridgeDecisionAccepted } | { ok: false; refusal: DecisionRefusal } {
    const refuse = (status: number, code: string, message: string) => {
      this.counters.refusedDecisions++;
      return { ok: false as const, refusal: { status, code, message } };
    };
    const a = this.approvals.get(msg.approvalId);
    if (!a)
      return refuse(
        404,
        'unknown_approval',
        `no bridged approval ${msg.approvalId}: no Node process sent it through this server`,
      );
    if (a.status !== 'pending')
      return refuse(409, 'approval_stale', `approval ${msg.approvalId} was already decided (${a.status})`);
    if (a.routed)
      return refuse(
        409,
        'approval_stale',
        `a decision on approval ${msg.approvalId} was already sent to ${a.label}`,
      );
    const line = this.lines.get(a.source);
    const sending = this.isSending(a.source);
    if (!line || (!sending && line.streams.size === 0))
      return sending
        ? refuse(
            409,
            'not_listening',
            `${a.label} does not take decisions from the page (it did not call bridge.acceptDecisions()): decide it where it runs`,
          )
        : refuse(409, 'source_gone', `${a.label} is no longer connected: decide it where it runs`);
    const event: BridgeDecisionEvent = {
      ...msg,
      v: BRIDGE_PROTOCOL_VERSION,
      id: line.next++,
      runId: a.runId,
      rootRunId: a.rootRunId,
      receivedAt: Date.now(),
    };
    const f = frame('decision', event, event.id);
    line.kept.push({ id: event.id, frame: f });
    if (line.kept.length > KEPT_DECISIONS) line.kept.shift();
    for (const s of line.streams) s.write(f);
    a.routed = true;
    line.label = a.label;
    this.outcomes.routed(a.source, event.id, msg.approvalId, a.label);
    this.counters.decisions++;
    return { ok: true, value: { id: event.id, source: a.source, delivered: line.streams.size > 0 } };
  }

  /** A Node source's decision stream: `hello`, then the kept decisions after `lastEventId`, then live ones. */
  connect(res: ServerResponse, sourceId: string, lastEventId: number): void {
    let line = this.lines.get(sourceId);
    if (!line) {
      line = { label: sourceId, next: 0, kept: [], streams: new Set() };
      this.lines.set(sourceId, line);
    }
    res.write('retry: 1000\n\n');
    res.write(frame('hello', { v: BRIDGE_PROTOCOL_VERSION, source: sourceId, lastId: line.next - 1 }));
    for (const k of line.kept) if (k.id > lastEventId) res.write(k.frame);
    const streams = line.streams;
    streams.add(res);
    res.on('close', () => streams.delete(res));
  }

  /** A Node source's report on decision `id`; undefined when it routed no such decision. */
  report(r: BridgeDecisionReport): BridgeDecisionStatus | undefined {
    return this.outcomes.report(r);
  }

  /** What became of decision `id` of `source` (waiting up to `waitMs` for a final state). */
  status(source: string, id: number, waitMs: number, signal?: AbortSignal) {
    return this.outcomes.status(source, id, waitMs, signal);
  }

  keepAlive(): void {
    for (const line of this.lines.values()) for (const s of line.streams) s.write(': keep-alive\n\n');
  }

  /** Number of connected decision streams. */
  get listeners(): number {
    let n = 0;
    for (const line of this.lines.values()) n += line.streams.size;
    return n;
  }

  close(): void {
    for (const id of [...this.lines.keys()]) this.endSource(id);
    this.outcomes.close();
  }

  private endSource(sourceId: string): void {
    const line = this.lines.get(sourceId);
    if (!line) return;
    for (const s of line.streams) s.end();
    this.lines.delete(sourceId);
    this.outcomes.sourceEnded(sourceId, line.label);
  }
}

function frame(event: string, data: unknown, id?: number): string {
  return `event: ${event}\n${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`;
}
