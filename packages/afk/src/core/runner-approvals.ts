import { AfkConfigError, AfkError, formatIssues, fromZodIssues } from '../errors/index.js';
import type { ApprovalDecision, ApprovalRequest, ApprovalStatus } from '../events/records.js';
import { ApprovalDecisionSchema } from '../events/records.js';
import { toJSONValue } from '../internal/json.js';
import type { MemoryStore } from '../memory/types.js';
import { forgetDecision, keepDecision, redactDecision } from './decision-secrets.js';
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
 * Records a human decision on the approval row — never on the run's log: the run's lease owner
 * appends `approval_resolved` when it ingests the decision (at once if the run is executing and
 * reaches that call, else on `resume`), so a run's log has one writer at a time. Refused: a
 * decision on an approval already decided (also when two decide at once: the loser gets
 * `approval_stale`), a kind the request does not allow, a mismatched `argsHash`.
 */
export async function decideApproval(
  store: MemoryStore,
  opts: { approvalId: string; decision: ApprovalDecision; argsHash?: string },
  redactKeys: readonly string[],
): Promise<void> {
  const parsed = ApprovalDecisionSchema.safeParse(opts.decision);
  if (!parsed.success) {
    const issues = fromZodIssues(parsed.error.issues);
    throw new AfkConfigError('invalid_argument', `Invalid approval decision:\n${formatIssues(issues)}`, {
      issues,
    });
  }
  const decision = toJSONValue(parsed.data) as ApprovalDecision;
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
  // The JSON Schema validator is loaded only when a human edits arguments (it is most of the
  // approval code's size, and most apps never edit).
  if (decision.kind === 'edit')
    (await import('./approval-edit.js')).assertApprovalEdit(approval, decision.args);
  // The run must be readable (a corrupt log or checkpoint is reported now, not at resume).
  if (!(await loadRunState(store, approval.runId)))
    throw new AfkError('not_found', `run ${approval.runId} of approval ${approval.id} has no events`);
  // Values the human entered under redact keys are stored redacted; the run applies the real
  // ones when it runs in this process (kept by store and approval id), else `tool_args_withheld`.
  const stored = redactDecision(decision, approval, redactKeys);
  if (stored !== decision) keepDecision(store, approval.id, decision);
  // The store refuses to replace a row that is no longer pending (approval_stale), atomically.
  try {
    await store.write({
      approvals: [{ ...approval, status: statusOf(decision), decision: stored, decidedAt: Date.now() }],
    });
  } catch (e) {
    if (stored !== decision) forgetDecision(store, approval.id);
    throw e;
  }
}
