import type { PolicyDecision } from '../agents/policy.js';
import type { ToolCall } from '../llms/types.js';
import { RunEnd } from './run-end.js';
import type { ApprovalHost } from './run-types.js';
import { approvalGate } from './tool-gate/approval.js';

/** The tool name an approval of a model call carries (`ApprovalRequest.toolName`). */
export const MODEL_CALL_APPROVAL = '(model)';

/**
 * An `llm_before_execute` rule asked for a human (`request_approval` / `request_user_input`):
 * the model call goes through the same approval flow as a tool call, before anything is sent.
 * The approval is keyed on a synthetic call id per step (`model_step_<n>`), so a paused run that
 * resumes (the step is redone, not counted twice) finds its decision. Headless: per
 * `approvalFallback`; interactive: the InteractionProvider decides; external: the run pauses
 * (`interrupted`, reason `approval`) until `decideApproval` + `resume`.
 *
 * Approve, edit or respond → the call proceeds (the request is not editable). Reject → no model
 * call; the run ends with `approval_rejected`: `failed` when `approvalDenialPolicy` is 'fail',
 * else `degraded` (the last answer, if any, is kept in `finalText`).
 */
export async function approveModelCall(
  host: ApprovalHost,
  step: number,
  model: string,
  decision: PolicyDecision,
): Promise<'run' | 'wait'> {
  const call: ToolCall = { id: `model_step_${step}`, name: MODEL_CALL_APPROVAL, args: { model } };
  const verdict = await approvalGate(
    host,
    call,
    call.args,
    decision.action === 'request_user_input' ? 'user_input' : 'approval',
    decision.reason ?? `model call to ${model}`,
    decision.ruleId,
    undefined,
  );
  if (verdict.kind === 'wait') return 'wait';
  // A withheld edit or answer is moot here: the request is not editable.
  if (verdict.kind === 'run' || verdict.kind === 'withheld') return 'run';
  const policy = host.agent.failSafe.approvalDenialPolicy;
  throw new RunEnd(policy === 'fail' ? 'failed' : 'degraded', {
    code: 'approval_rejected',
    message: `model call to ${model} was rejected${verdict.reason ? `: ${verdict.reason}` : ''}; the run ends without calling the model`,
  });
}
