import { AfkError } from '../errors/index.js';
import type { MemoryStore } from '../memory/types.js';
import {
  type AcceptDecisionsOptions,
  type BridgeDecisionOutcome,
  DecisionApplier,
} from './decision-apply.js';
import {
  BRIDGE_DECISION_PATHS,
  BRIDGE_OUTCOME_MESSAGE_MAX,
  type BridgeDecisionEvent,
  type BridgeDecisionReport,
} from './decision-protocol.js';
import { type BridgeConnection, DecisionStream } from './decision-stream.js';
import { BRIDGE_PROTOCOL_VERSION } from './protocol.js';

export interface DecisionLinkOptions extends BridgeConnection {
  /** Bound of one outcome report's post. */
  timeoutMs: number;
  /** The stores the bridge wrapped: decisions are applied through them. */
  stores: () => Iterable<MemoryStore>;
  report: (error: AfkError) => void;
  /** Called when the decision stream (re)connected. */
  onListening: () => void;
}

/**
 * A bridge's decision wiring (`bridge.acceptDecisions`): the decision stream from the server,
 * the applier that records each decision through the real decision path and resumes the run,
 * and the report of each decision's outcome back to the server (`POST /__afk/bridge/outcome`:
 * `applied` once recorded, before a resume runs; `refused` with the error's code and message),
 * so the page that made it learns what became of it.
 */
export class DecisionLink {
  private apply: (ev: BridgeDecisionEvent) => Promise<void> = async () => undefined;
  private readonly stream: DecisionStream;
  private readonly reports = new Set<Promise<void>>();

  constructor(private readonly o: DecisionLinkOptions) {
    this.stream = new DecisionStream({
      url: o.url,
      sourceId: o.sourceId,
      token: o.token,
      fetch: o.fetch,
      retryMs: o.retryMs,
      maxRetryMs: o.maxRetryMs,
      onDecision: (ev) => this.apply(ev),
      report: o.report,
      onConnected: o.onListening,
    });
  }

  /** Applies the decisions that arrive from now on with `options` (replacing earlier ones). */
  accept(options: AcceptDecisionsOptions): void {
    const applier = new DecisionApplier(this.o.stores, options);
    const deliver = (outcome: BridgeDecisionOutcome) => {
      if (outcome.kind === 'refused') this.o.report(outcome.error);
      try {
        options.onDecision?.(outcome);
      } catch {
        // a failing handler must not stop the stream
      }
    };
    this.apply = async (ev) => {
      const first = await applier.apply(ev);
      if (typeof first === 'function') {
        // Recorded: the page hears so now; the resume runs beside the stream, so the decisions
        // behind it are not held up.
        this.tell(ev, undefined);
        void first().then(deliver);
      } else {
        this.tell(ev, first.kind === 'refused' ? first.error : undefined);
        deliver(first);
      }
    };
  }

  /** Ends the stream and waits for the outcome reports under way (each bounded by `timeoutMs`). */
  async stop(): Promise<void> {
    await this.stream.stop();
    while (this.reports.size > 0) await Promise.all([...this.reports]);
  }

  /** Reports one decision's outcome to the server (never throws; a failure is reported). */
  private tell(ev: BridgeDecisionEvent, refusal: AfkError | undefined): void {
    const report: BridgeDecisionReport = {
      v: BRIDGE_PROTOCOL_VERSION,
      source: this.o.sourceId,
      id: ev.id,
      approvalId: ev.approvalId,
      ...(refusal
        ? {
            outcome: 'refused' as const,
            code: /^[a-z][a-z0-9_]*$/.test(refusal.code) ? refusal.code : 'bridge_error',
            message: refusal.message.slice(0, BRIDGE_OUTCOME_MESSAGE_MAX),
          }
        : { outcome: 'applied' as const }),
    };
    const p = this.post(report).finally(() => this.reports.delete(p));
    this.reports.add(p);
  }

  private async post(report: BridgeDecisionReport): Promise<void> {
    const endpoint = new URL(BRIDGE_DECISION_PATHS.outcome, this.o.url).href;
    try {
      const res = await this.o.fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.o.token ? { authorization: `Bearer ${this.o.token}` } : {}),
        },
        body: JSON.stringify(report),
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      const text = await res.text().catch(() => '');
      if (!res.ok)
        this.o.report(
          new AfkError(
            res.status === 401 || res.status === 403 ? 'bridge_refused' : 'bridge_error',
            `devtools bridge: the report on decision ${report.id} was refused (HTTP ${res.status}): ${text.slice(0, 200) || '(no body)'}`,
          ),
        );
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      this.o.report(
        new AfkError(
          'bridge_unreachable',
          `devtools bridge: the report on decision ${report.id} did not reach ${endpoint} (${cause}); the page will read it as not delivered`,
          { cause: e },
        ),
      );
    }
  }
}
