import type { ApprovalRequest } from '../events/records.js';
import { redactDecision } from './decision-secrets.js';
import type { ApprovalHost } from './run-types.js';

/**
 * Decisions made elsewhere (`decideApproval` in another tab or process, the devtools inbox) land
 * on the approval row only; the run's lease owner appends them to the log, here. So one run's log
 * has exactly one writer at any time, and a decision made while the run executes is neither lost
 * nor a conflicting append.
 *
 * Returns true when the row carried a decision (now in the log and the folded state).
 */
export function ingestDecision(exec: ApprovalHost, row: ApprovalRequest): boolean {
  if (row.status === 'pending' || !row.decision) return false;
  if (exec.state.approvals[row.toolCallId]?.status === row.status) return true;
  exec.emit(
    'approval_resolved',
    {
      approvalId: row.id,
      toolCallId: row.toolCallId,
      // Redacted by the decider's keys when stored; by the run's own keys as well when logged.
      decision: redactDecision(row.decision, row, exec.rt.config.redactKeys),
      status: row.status,
      by: 'human',
      ...(row.decidedAt === undefined ? {} : { decidedAt: row.decidedAt }),
    },
    exec.state.step,
  );
  return true;
}

/**
 * Before a run pauses on its own approvals: re-reads their rows and ingests the decisions that
 * arrived meanwhile. Returns true when the run must still wait (an approval of its own is still
 * pending, or one of a subagent's, which that subagent ingests when it resumes); `ingested` when
 * it need not wait because decisions were just logged (their calls are still to be processed).
 */
export async function stillAwaiting(exec: ApprovalHost): Promise<'wait' | 'ingested' | 'none'> {
  if (!exec.awaiting.length) return 'none';
  const still: ApprovalRequest[] = [];
  for (const a of exec.awaiting) {
    if (a.runId !== exec.state.runId) {
      still.push(a);
      continue;
    }
    const row = await exec.rt.store.getApproval(a.id);
    if (row && ingestDecision(exec, row)) continue;
    still.push(row ?? a);
  }
  exec.awaiting.length = 0;
  for (const a of still) exec.awaiting.push(a);
  if (!still.some((a) => a.runId === exec.state.runId)) exec.sideEffectUnknown = false;
  return still.length > 0 ? 'wait' : 'ingested';
}
