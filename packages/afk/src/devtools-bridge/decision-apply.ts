import type { Agent } from '../agents/agent.js';
import type { Runner } from '../core/runner.js';
import { decideApproval } from '../core/runner-approvals.js';
import { AfkError } from '../errors/index.js';
import type { AgentResult } from '../events/records.js';
import type { JSONValue } from '../internal/json.js';
import { DEFAULT_REDACT_KEYS } from '../internal/redact.js';
import type { MemoryStore, RunRecord } from '../memory/types.js';
import type { BridgeDecisionEvent } from './decision-protocol.js';

/** What `bridge.acceptDecisions` needs to apply decisions from the page and continue runs. */
export interface AcceptDecisionsOptions {
  /**
   * The runner whose runs the bridge streams: decisions go through `runner.decideApproval` and
   * runs resume on it. Without it decisions land on the approval row of the wrapped store (the
   * same decision path), and the run continues when this process resumes it.
   */
  runner?: Runner;
  /**
   * Which agent continues a run (by the run's `agentName`): a map or a function. With a
   * `runner`, a run whose last pending approval was decided is resumed here.
   */
  agents?: Readonly<Record<string, Agent>> | ((agentName: string, run: RunRecord) => Agent | undefined);
  /** The context to resume a run with (secrets are never stored: pass them again here). */
  context?: (run: RunRecord) => Record<string, JSONValue> | undefined;
  /** Called after each decision from the page with what became of it (never throws into the bridge). */
  onDecision?: (outcome: BridgeDecisionOutcome) => void;
}

/** What became of one decision from the page. */
export type BridgeDecisionOutcome = {
  approvalId: string;
  runId: string;
  rootRunId: string;
  decision: BridgeDecisionEvent['decision'];
} & (
  | /** Applied, and the run was resumed here; `result` is where it stopped. */
  { kind: 'resumed'; result: AgentResult }
  /** Applied; other approvals of the run still wait. */
  | { kind: 'waiting'; pending: number }
  /** Applied; no runner or agent here to resume the run (or it is executing and picks it up). */
  | { kind: 'recorded' }
  /** Not applied (stale, not found, invalid edit, …) or the resume failed. */
  | { kind: 'refused'; error: AfkError }
);

/**
 * Applies one decision from the page in this process: finds the approval in one of the wrapped
 * stores (only approvals this process wrote can be decided), records it with the real decision
 * path (`runner.decideApproval`, or the same function over the store: bound to the args hash,
 * refused when stale), then, with a runner and an agent for the run, resumes the run once
 * nothing of it is pending any more. One resume per run at a time.
 */
export class DecisionApplier {
  private readonly inFlight = new Map<string, Promise<AgentResult>>();

  constructor(
    private readonly stores: () => Iterable<MemoryStore>,
    private readonly o: AcceptDecisionsOptions,
  ) {}

  /**
   * Records `ev`; resolves with its outcome, or — when the run is to be resumed here — with a
   * function that resumes it and resolves with the outcome then (so a long resume does not hold
   * up the decisions behind it).
   */
  async apply(
    ev: BridgeDecisionEvent,
  ): Promise<BridgeDecisionOutcome | (() => Promise<BridgeDecisionOutcome>)> {
    const base = {
      approvalId: ev.approvalId,
      runId: ev.runId,
      rootRunId: ev.rootRunId,
      decision: ev.decision,
    };
    const refused = (e: unknown): BridgeDecisionOutcome => ({
      ...base,
      kind: 'refused',
      error:
        e instanceof AfkError
          ? e
          : new AfkError('bridge_error', `devtools bridge: ${String(e)}`, { cause: e }),
    });
    try {
      const store = await this.storeOf(ev.approvalId);
      if (!store)
        throw new AfkError(
          'approval_not_found',
          `no approval ${ev.approvalId} in the stores this bridge wraps`,
        );
      const opts = { approvalId: ev.approvalId, decision: ev.decision, argsHash: ev.argsHash };
      const { runner } = this.o;
      if (runner) await runner.decideApproval(opts);
      // No runner: the default redact keys (a runner passes its own `redactKeys`).
      else await decideApproval(store, opts, DEFAULT_REDACT_KEYS);
      if (!runner) return { ...base, kind: 'recorded' };
      const pending = await runner.listApprovals({ runId: ev.rootRunId, status: 'pending' });
      if (pending.length > 0) return { ...base, kind: 'waiting', pending: pending.length };
      const run = await store.getRun(ev.rootRunId);
      const agent = run && run.status === 'interrupted' ? this.agentFor(run) : undefined;
      if (!run || !agent) return { ...base, kind: 'recorded' };
      return () =>
        this.resume(runner, agent, run).then(
          (result): BridgeDecisionOutcome => ({ ...base, kind: 'resumed', result }),
          refused,
        );
    } catch (e) {
      return refused(e);
    }
  }

  private async storeOf(approvalId: string): Promise<MemoryStore | undefined> {
    for (const store of this.stores()) if (await store.getApproval(approvalId)) return store;
    return undefined;
  }

  private agentFor(run: RunRecord): Agent | undefined {
    const { agents } = this.o;
    if (!agents) return undefined;
    if (typeof agents === 'function') return agents(run.agentName, run);
    return Object.hasOwn(agents, run.agentName) ? agents[run.agentName] : undefined;
  }

  private resume(runner: Runner, agent: Agent, run: RunRecord): Promise<AgentResult> {
    const running = this.inFlight.get(run.runId);
    if (running) return running;
    const context = this.o.context?.(run);
    const p = runner
      .resume(agent, { runId: run.runId, threadId: run.threadId, ...(context ? { context } : {}) })
      .finally(() => this.inFlight.delete(run.runId));
    this.inFlight.set(run.runId, p);
    return p;
  }
}
