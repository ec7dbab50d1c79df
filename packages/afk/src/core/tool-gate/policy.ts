import type { PolicyDecision } from '../../agents/policy.js';
import { AfkError } from '../../errors/index.js';
import type { ToolCall } from '../../llms/types.js';
import type { ToolContext } from '../../tools/tool.js';
import { evaluatePolicy } from '../policy-gate.js';
import type { PolicyHost } from '../run-types.js';
import { skip } from './skip.js';
import type { Target } from './validate.js';

/** The policy stage: the engines' decision for one call (not an extra promise: the evaluation's own). */
export function decideCall(
  exec: PolicyHost,
  call: ToolCall,
  target: Target,
  args: unknown,
): Promise<PolicyDecision> {
  return evaluatePolicy(exec, {
    type: target.kind === 'subagent' ? 'subagent_before_execute' : 'tool_before_execute',
    toolName: call.name,
    toolCallId: call.id,
    ...(target.kind === 'subagent' ? { subagent: call.name } : {}),
    args,
  });
}

/** A denied call is answered to the model with the rule and reason. */
export function skipDenied(exec: PolicyHost, call: ToolCall, decision: PolicyDecision): void {
  skip(
    exec,
    call,
    'tool_denied',
    `Tool call '${call.name}' was denied by policy${decision.ruleId ? ` (rule '${decision.ruleId}')` : ''}${decision.reason ? `: ${decision.reason}` : '.'}`,
  );
}

/**
 * Whether a human must decide: the policy asks for it, or the tool's `needsApproval` says so.
 * Synchronous unless `needsApproval` is a function (its answer is then awaited by the caller).
 */
export function needsHuman(
  exec: PolicyHost,
  call: ToolCall,
  target: Target,
  args: unknown,
  decision: PolicyDecision,
): boolean | Promise<boolean> {
  if (decision.action === 'request_approval' || decision.action === 'request_user_input') return true;
  if (target.kind !== 'tool' || target.tool.needsApproval === false) return false;
  const na = target.tool.needsApproval;
  return na === true || (typeof na === 'function' && na(args, gateContext(exec, call)));
}

function gateContext(exec: PolicyHost, call: ToolCall): ToolContext {
  return {
    runId: exec.state.runId,
    threadId: exec.state.threadId,
    step: exec.state.step,
    toolCallId: call.id,
    agentName: exec.agent.name,
    agentPath: exec.agentPath,
    signal: exec.signal,
    context: exec.state.context,
    metadata: {},
    attempt: 0,
    defer: () => {
      throw new AfkError('invalid_argument', 'defer() is only available inside a tool body');
    },
  };
}
