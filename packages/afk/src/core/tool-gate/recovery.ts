import type { ApprovalDecision } from '../../events/records.js';
import type { ToolCall } from '../../llms/types.js';
import type { AnyTool } from '../../tools/tool.js';
import { ingestDecision } from '../decisions.js';
import type { AnswerHost, ApprovalHost } from '../run-types.js';
import { decideInteractively, requestApproval, statusOf } from './approval.js';
import { completeTool } from './sanitise.js';
import { skip } from './skip.js';

/**
 * A side-effecting call started before a crash and never finished: it may or may not have
 * happened. Never re-run blindly: ask a human (approve = run it, reject = skip it, respond = it
 * happened and this is its result) or fail the call, per `unknownSideEffectPolicy`.
 */
export async function recoverSideEffect(
  exec: ApprovalHost & AnswerHost,
  call: ToolCall,
  tool: AnyTool,
  args: unknown,
): Promise<'run' | 'done'> {
  const existing = exec.state.approvals[call.id];
  if (existing && existing.status !== 'pending' && existing.decision) {
    const d = existing.decision;
    if (d.kind === 'approve') return 'run';
    if (d.kind === 'respond') {
      completeTool(exec, call, tool, { ok: true, output: d.value, attempts: 0 }, 0, true);
      return 'done';
    }
    skip(
      exec,
      call,
      'side_effect_unknown',
      `The call to '${call.name}' was interrupted by a crash and was not re-run${d.kind === 'reject' && d.reason ? `: ${d.reason}` : '.'}`,
    );
    return 'done';
  }
  if (existing) {
    const row = await exec.rt.store.getApproval(existing.approvalId);
    if (row && ingestDecision(exec, row)) return recoverSideEffect(exec, call, tool, args);
    if (row) exec.awaiting.push(row);
    return 'done';
  }
  if (exec.rt.config.unknownSideEffectPolicy === 'fail') {
    skip(
      exec,
      call,
      'side_effect_unknown',
      `The call to '${call.name}' was interrupted by a crash; it may or may not have taken effect and was not re-run.`,
    );
    return 'done';
  }
  const req = requestApproval(exec, call, args, {
    kind: 'approval',
    reason: `'${call.name}' started before a crash and did not finish; it may have taken effect. Approve to run it again, reject to skip it, or respond with its result if it happened.`,
    allowedDecisions: ['approve', 'reject', 'respond'],
  });
  const mode = exec.rt.config.interactionMode;
  if (mode === 'external' || !(mode === 'interactive' && exec.rt.interaction)) {
    if (mode === 'headless') {
      // Nobody can answer: resolve as "skip it" — never the 'approve' fallback, which would
      // re-run a side effect blindly.
      const decision: ApprovalDecision = {
        kind: 'reject',
        reason: 'no human available to confirm (headless mode)',
      };
      exec.emit(
        'approval_resolved',
        { approvalId: req.id, toolCallId: call.id, decision, status: 'rejected', by: 'fallback' },
        exec.state.step,
      );
      exec.queueApproval({ ...req, status: 'rejected', decision, decidedAt: Date.now() });
      skip(
        exec,
        call,
        'side_effect_unknown',
        `The call to '${call.name}' was interrupted by a crash; it may or may not have taken effect and was not re-run.`,
      );
      return 'done';
    }
    exec.queueApproval(req);
    exec.awaiting.push(req);
    exec.sideEffectUnknown = true;
    return 'done';
  }
  let decision: ApprovalDecision;
  try {
    decision = await decideInteractively(exec, req);
  } catch {
    decision = { kind: 'reject', reason: 'the interaction provider did not answer' };
  }
  const status = statusOf(decision);
  exec.emit(
    'approval_resolved',
    { approvalId: req.id, toolCallId: call.id, decision, status, by: 'interaction_provider' },
    exec.state.step,
  );
  exec.queueApproval({ ...req, status, decision, decidedAt: Date.now() });
  return recoverSideEffect(exec, call, tool, args);
}
