import { AfkError, isAfkError, toErrorInfo } from '../../errors/index.js';
import type { ApprovalDecision, ApprovalRequest } from '../../events/records.js';
import { abortReason, linkSignals, raceSignal } from '../../internal/abort.js';
import { newId } from '../../internal/ids.js';
import type { JSONValue } from '../../internal/json.js';
import { hashValue, toJSONValue } from '../../internal/json.js';
import { redact } from '../../internal/redact.js';
import type { ToolCall } from '../../llms/types.js';
import { forgetDecision, realDecision, redactDecision } from '../decision-secrets.js';
import { ingestDecision } from '../decisions.js';
import type { ApprovalHost } from '../run-types.js';
import { SUBAGENT_PARAMETERS } from '../subagents.js';
import { asObject } from './skip.js';
import { resolveTarget } from './validate.js';

/**
 * Creates a pending approval for one call and logs `approval_requested`. The args are stored
 * redacted; the hash binds a decision to the exact (unredacted) args.
 */
export function requestApproval(
  exec: ApprovalHost,
  call: ToolCall,
  args: unknown,
  opts: Pick<ApprovalRequest, 'kind' | 'allowedDecisions'> & {
    reason?: string;
    ruleId?: string;
    responseKey?: string;
  },
): ApprovalRequest {
  const json = toJSONValue(args);
  const req: ApprovalRequest = {
    id: newId('apr'),
    runId: exec.state.runId,
    threadId: exec.state.threadId,
    rootRunId: exec.rootRunId,
    agentPath: exec.agentPath,
    toolCallId: call.id,
    toolName: call.name,
    args: redact(json, exec.rt.config.redactKeys),
    argsHash: hashValue(json),
    ...argsSchemaOf(exec, call),
    ...opts,
    status: 'pending',
    createdAt: Date.now(),
  };
  exec.emit('approval_requested', { approval: req }, exec.state.step);
  return req;
}

/** The JSON Schema of what the call names (tool `parameters`, or a subagent's `{ task }`). */
function argsSchemaOf(
  exec: ApprovalHost,
  call: ToolCall,
): Pick<ApprovalRequest, 'argsSchema' | 'toolDescription'> {
  const target = resolveTarget(exec.agent, call.name);
  if (!target) return {};
  const description = target.kind === 'tool' ? target.tool.description : target.agent.description;
  return {
    argsSchema: target.kind === 'tool' ? target.tool.parameters : SUBAGENT_PARAMETERS,
    ...(description ? { toolDescription: description } : {}),
  };
}

/**
 * What the gate does with a call a human decided: run it (with the decided args), answer it
 * rejected, wait, or answer `tool_args_withheld` (the decision's secret values are gone).
 */
export type Verdict =
  | { kind: 'run'; args: unknown }
  | { kind: 'reject'; reason?: string }
  | { kind: 'wait' }
  | { kind: 'withheld' };

/** Decides one call that needs a human, by mode; external mode leaves it waiting (durably). */
export async function approvalGate(
  exec: ApprovalHost,
  call: ToolCall,
  args: unknown,
  kind: 'approval' | 'user_input',
  reason: string | undefined,
  ruleId: string | undefined,
  target: Record<string, JSONValue> | undefined,
): Promise<Verdict> {
  const responseKey = kind === 'user_input' && target ? Object.keys(target)[0] : undefined;
  const landing = responseKey === undefined ? {} : { responseKey };
  const existing = exec.state.approvals[call.id];
  if (existing && existing.status !== 'pending') {
    return applyStored(exec, existing.approvalId, existing.decision, existing.status, landing, args, target);
  }
  if (existing) {
    const row = await exec.rt.store.getApproval(existing.approvalId);
    // Decided elsewhere while the run was paused or executing: this owner logs it and goes on.
    if (row && ingestDecision(exec, row))
      return applyStored(exec, row.id, row.decision, row.status, row, args, target);
    if (row) exec.awaiting.push(row);
    return { kind: 'wait' };
  }
  if (kind === 'approval' && exec.state.alwaysApprovedTools.includes(call.name)) return { kind: 'run', args };

  const req = requestApproval(exec, call, args, {
    kind,
    allowedDecisions: kind === 'user_input' ? ['respond', 'reject'] : ['approve', 'reject', 'edit'],
    ...(reason === undefined ? {} : { reason }),
    ...(ruleId === undefined ? {} : { ruleId }),
    ...landing,
  });
  const mode = exec.rt.config.interactionMode;
  if (mode === 'external' || (mode === 'interactive' && !exec.rt.interaction)) {
    if (mode === 'interactive')
      exec.emit(
        'warning',
        {
          code: 'no_interaction_provider',
          message: 'interactive mode without an InteractionProvider: the approval waits for decideApproval',
        },
        exec.state.step,
      );
    exec.queueApproval(req);
    exec.awaiting.push(req);
    return { kind: 'wait' };
  }
  let decision: ApprovalDecision;
  let by: 'interaction_provider' | 'fallback' | 'timeout' = 'fallback';
  const fallback: ApprovalDecision =
    exec.rt.config.approvalFallback === 'approve'
      ? { kind: 'approve' }
      : { kind: 'reject', reason: 'No human was available to approve this call (headless mode).' };
  if (mode === 'interactive' && exec.rt.interaction) {
    try {
      decision = await decideInteractively(exec, req);
      by = 'interaction_provider';
    } catch (e) {
      if (exec.signal.aborted) throw abortReason(exec.signal);
      decision = fallback;
      by = isAfkError(e) && e.code === 'timeout' ? 'timeout' : 'fallback';
      exec.emit(
        'warning',
        { code: 'approval_fallback', message: `approval fell back (${toErrorInfo(e).message})` },
        exec.state.step,
      );
    }
  } else {
    decision = fallback;
  }
  const status = statusOf(decision);
  // Logged and stored with its secret values redacted; applied here with the real ones.
  const stored = redactDecision(decision, req, exec.rt.config.redactKeys);
  exec.emit(
    'approval_resolved',
    { approvalId: req.id, toolCallId: call.id, decision: stored, status, by },
    exec.state.step,
  );
  exec.queueApproval({ ...req, status, decision: stored, decidedAt: Date.now() });
  return applyDecision(decision, status, args, target);
}

/** A decision read back from the log or the row: applied with its real values, if still known. */
function applyStored(
  exec: ApprovalHost,
  approvalId: string,
  stored: ApprovalDecision | undefined,
  status: string,
  landing: Pick<ApprovalRequest, 'responseKey'>,
  args: unknown,
  target: Record<string, JSONValue> | undefined,
): Verdict {
  if (!stored) return applyDecision(stored, status, args, target);
  const store = exec.rt.store;
  const real = realDecision(store, approvalId, stored, landing, exec.rt.config.redactKeys);
  forgetDecision(store, approvalId);
  if (real === 'withheld' && status !== 'expired') return { kind: 'withheld' };
  return applyDecision(real === 'withheld' ? undefined : real, status, args, target);
}

/**
 * Asks the InteractionProvider, bounded by `approvalTimeoutMs` (rejects with code 'timeout').
 * Raced against the signal: a provider that ignores it still times out.
 */
export async function decideInteractively(
  exec: ApprovalHost,
  req: ApprovalRequest,
): Promise<ApprovalDecision> {
  const provider = exec.rt.interaction;
  if (!provider) throw new AfkError('unsupported', 'no InteractionProvider');
  const link = linkSignals(exec.signal);
  const timer = setTimeout(
    () => link.controller.abort(new AfkError('timeout', 'approval timed out')),
    exec.rt.config.approvalTimeoutMs,
  );
  try {
    return await raceSignal(provider.decide(req, { signal: link.signal }), link.signal);
  } finally {
    clearTimeout(timer);
    link.dispose();
  }
}

export function statusOf(d: ApprovalDecision): 'approved' | 'rejected' | 'edited' | 'responded' {
  return d.kind === 'approve'
    ? 'approved'
    : d.kind === 'reject'
      ? 'rejected'
      : d.kind === 'edit'
        ? 'edited'
        : 'responded';
}

function applyDecision(
  decision: ApprovalDecision | undefined,
  status: string,
  args: unknown,
  target: Record<string, JSONValue> | undefined,
): Verdict {
  if (!decision || status === 'expired') return { kind: 'reject', reason: 'the approval expired' };
  switch (decision.kind) {
    case 'approve':
      return { kind: 'run', args };
    case 'reject':
      return { kind: 'reject', ...(decision.reason === undefined ? {} : { reason: decision.reason }) };
    case 'edit':
      return { kind: 'run', args: decision.args };
    case 'respond': {
      // The human's value becomes the argument: at the rule's `updatedArgs` key when one is
      // named, else merged when it is an object.
      const key = target ? Object.keys(target)[0] : undefined;
      if (key) return { kind: 'run', args: { ...asObject(args), [key]: decision.value } };
      if (decision.value && typeof decision.value === 'object' && !Array.isArray(decision.value))
        return { kind: 'run', args: { ...asObject(args), ...decision.value } };
      return { kind: 'run', args };
    }
  }
}
