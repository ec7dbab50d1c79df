import type { AgentResult, ApprovalDecision, ApprovalRequest, ApprovalStatus } from 'afk/core';
import { useCallback } from 'react';
import { useAfk } from './context.js';
import type { RunHosts } from './run-hosts.js';
import { type QueryState, useStoreQuery } from './use-store-query.js';

/** Which approvals `useApprovals` reads. `'decided'` = approved, rejected, edited or responded. */
export interface ApprovalsFilter {
  threadId?: string;
  runId?: string;
  status?: ApprovalStatus | 'decided';
}

/** What happened after a decision was recorded. */
export type DecideOutcome =
  /** This tab resumed the run; `result` is where it stopped (completed, paused again, …). */
  | { kind: 'resumed'; result: AgentResult }
  /** Another tab hosts or executes the run: it ingests the decision and continues there. */
  | { kind: 'elsewhere' }
  /** Other approvals of the same run still wait; the run resumes after the last one. */
  | { kind: 'waiting'; pending: number }
  /** Recorded; nothing here can resume the run (no `resume` given). */
  | { kind: 'recorded' }
  /** Sent to the process that executes the run (`remote`); it records the decision and resumes it. */
  | { kind: 'remote'; by: string };

/**
 * Runs that another process executes (a Node run streamed in by the devtools bridge): their
 * decisions are sent there, never resumed in this page (it has none of their tools).
 */
export interface RemoteDecisions {
  /** Who continues `approval`'s run, e.g. `'the Node process'`; undefined for this page's own runs. */
  ownerOf(approval: ApprovalRequest): string | undefined;
  /** Delivers the decision; rejects (with a `code`) when it cannot, and then nothing was recorded. */
  decide(approval: ApprovalRequest, decision: ApprovalDecision): Promise<void>;
}

export interface UseApprovalsOptions {
  /**
   * Continues the run after its last pending approval was decided, when no other tab owns it
   * (for example `runner.resume(agent, { runId: a.rootRunId, threadId: a.threadId })`). Without
   * it a decision is only recorded.
   */
  resume?: (approval: ApprovalRequest) => Promise<AgentResult>;
  /** Tab ownership: a run hosted in another tab is left to it. */
  hosts?: RunHosts;
  /** Runs executed by another process: their decisions go there (see `RemoteDecisions`). */
  remote?: RemoteDecisions;
}

export interface ApprovalsState {
  state: QueryState<ApprovalRequest[]>;
  /** The approvals once loaded (oldest first), `[]` while loading. */
  approvals: ApprovalRequest[];
  /**
   * Records `decision` (bound to the approval's args hash, so a stale card is refused), then
   * resumes the run here unless another tab owns it or other approvals of it still wait.
   */
  decide(approval: ApprovalRequest, decision: ApprovalDecision): Promise<DecideOutcome>;
}

const DECIDED: ReadonlySet<ApprovalStatus> = new Set(['approved', 'rejected', 'edited', 'responded']);

/** True when `a` passes `filter`. */
export function matchesApprovalFilter(a: ApprovalRequest, filter: ApprovalsFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.threadId && a.threadId !== filter.threadId) return false;
  if (filter.runId && a.runId !== filter.runId && a.rootRunId !== filter.runId) return false;
  if (filter.status === 'decided') return DECIDED.has(a.status);
  return filter.status === undefined || a.status === filter.status;
}

/**
 * Approvals from the store, live across tabs (re-read on every store change), with `decide`.
 * Needs an `AfkProvider` with a `runner`.
 *
 * @example
 * const { approvals, decide } = useApprovals({ status: 'pending' }, { resume, hosts });
 * await decide(approvals[0], { kind: 'approve', scope: 'once' });
 */
export function useApprovals(filter?: ApprovalsFilter, options: UseApprovalsOptions = {}): ApprovalsState {
  const { store, runner } = useAfk();
  const key = `approvals:${filter?.threadId ?? ''}:${filter?.runId ?? ''}:${filter?.status ?? ''}`;
  const state = useStoreQuery(key, 'all', async () => {
    const all = await store.listApprovals({});
    return all.filter((a) => matchesApprovalFilter(a, filter)).sort((a, b) => a.createdAt - b.createdAt);
  });
  const { resume, hosts, remote } = options;

  const decide = useCallback(
    async (approval: ApprovalRequest, decision: ApprovalDecision): Promise<DecideOutcome> => {
      const owner = remote?.ownerOf(approval);
      if (remote && owner !== undefined) {
        await remote.decide(approval, decision);
        return { kind: 'remote', by: owner };
      }
      if (!runner) throw new Error('useApprovals().decide needs <AfkProvider runner={…}>');
      await runner.decideApproval({ approvalId: approval.id, decision, argsHash: approval.argsHash });
      const pending = await runner.listApprovals({ runId: approval.rootRunId, status: 'pending' });
      if (pending.length > 0) return { kind: 'waiting', pending: pending.length };
      if (hosts && (await hosts.hostedElsewhere(approval.rootRunId))) return { kind: 'elsewhere' };
      if (!resume) return { kind: 'recorded' };
      return { kind: 'resumed', result: await resume(approval) };
    },
    [runner, resume, hosts, remote],
  );

  return { state, approvals: state.status === 'ok' ? state.data : [], decide };
}
