import { AfkConfigError, AfkError, formatIssues, fromZodIssues } from '../errors/index.js';
import type { ApprovalDecision, ApprovalRequest, ApprovalStatus } from '../events/records.js';
import { ApprovalDecisionSchema } from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import { toJSONValue } from '../internal/json.js';
import type { MemoryStore } from '../memory/types.js';
import { assertApprovalEdit } from './approval-edit.js';
import { loadRunState } from './load.js';
import { statusOf } from './tool-gate/approval.js';

/** The approval APIs of `Runner` (`listApprovals`, `decideApproval`), over its store. */

/** Approval requests, newest last; with `runId`, also those of its subagents at any depth. */
export async function listApprovals(
  store: MemoryStore,
  filter: { threadId?: string; runId?: string; status?: ApprovalStatus },
): Promise<ApprovalRequest[]> {
  const base = {
    ...(filter.threadId ? { threadId: filter.threadId } : {}),
    ...(filter.status ? { status: filter.status } : {}),
  };
  if (!filter.runId) return store.listApprovals(base);
  const [own, nested] = await Promise.all([
    store.listApprovals({ ...base, runId: filter.runId }),
    store.listApprovals({ ...base, rootRunId: filter.runId }),
  ]);
  const byId = new Map([...own, ...nested].map((a) => [a.id, a]));
  return [...byId.values()].sort((a, b) => a.createdAt - b.createdAt);
}

/**
 * Records a human decision as an `approval_resolved` event (and the decided row) in one atomic
 * batch. `isExecuting(runId)` tells whether this runner is executing the run right now.
 */
export async function decideApproval(
  store: MemoryStore,
  isExecuting: (runId: string) => boolean,
  opts: { approvalId: string; decision: ApprovalDecision; argsHash?: string },
): Promise<void> {
  const parsed = ApprovalDecisionSchema.safeParse(opts.decision);
  if (!parsed.success) {
    const issues = fromZodIssues(parsed.error.issues);
    throw new AfkConfigError('invalid_argument', `Invalid approval decision:\n${formatIssues(issues)}`, {
      issues,
    });
  }
  const decision = parsed.data as ApprovalDecision;
  const approval = await store.getApproval(opts.approvalId);
  if (!approval) throw new AfkError('approval_not_found', `no approval ${opts.approvalId}`);
  if (approval.status !== 'pending')
    throw new AfkError('approval_stale', `approval ${approval.id} was already decided (${approval.status})`);
  if (opts.argsHash !== undefined && opts.argsHash !== approval.argsHash) {
    throw new AfkError(
      'approval_stale',
      `approval ${approval.id} is for other arguments (hash ${approval.argsHash}, not ${opts.argsHash})`,
    );
  }
  if (!approval.allowedDecisions.includes(decision.kind)) {
    throw new AfkError(
      'invalid_argument',
      `approval ${approval.id} allows ${approval.allowedDecisions.join(', ')}, not '${decision.kind}'`,
    );
  }
  if (decision.kind === 'edit') assertApprovalEdit(approval, decision.args);
  const state = await loadRunState(store, approval.runId);
  if (!state)
    throw new AfkError('not_found', `run ${approval.runId} of approval ${approval.id} has no events`);
  if (isExecuting(approval.runId) && state.status === 'running') {
    throw new AfkError('run_leased', `run ${approval.runId} is executing; decide after it pauses`);
  }
  const status = statusOf(decision);
  const event: RunEvent<'approval_resolved'> = {
    runId: approval.runId,
    threadId: approval.threadId,
    seq: state.lastSeq + 1,
    ts: Date.now(),
    type: 'approval_resolved',
    step: state.step,
    data: {
      approvalId: approval.id,
      toolCallId: approval.toolCallId,
      decision: toJSONValue(decision) as ApprovalDecision,
      status,
      by: 'human',
    },
  };
  // Event and row in one atomic batch; a concurrent writer on the run makes the seq check fail.
  await store.write({
    events: [event as RunEvent],
    approvals: [{ ...approval, status, decision, decidedAt: Date.now() }],
  });
}
