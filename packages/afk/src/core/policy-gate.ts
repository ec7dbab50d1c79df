import type { PolicyDecision, PolicyEvent } from '../agents/policy.js';
import { toJSONValue } from '../internal/json.js';
import type { PolicyHost } from './run-types.js';

const ALLOW: PolicyDecision = Object.freeze({
  action: 'allow',
  matchedRules: [] as string[],
}) as PolicyDecision;

/** Runs the agent's engine, then the runner's; one `policy_decision` event per engine. */
export async function evaluatePolicy(
  host: PolicyHost,
  partial: Omit<
    PolicyEvent,
    'runId' | 'threadId' | 'agentName' | 'agentPath' | 'step' | 'context' | 'args'
  > & { args?: unknown },
): Promise<PolicyDecision> {
  const agentEngine = host.agent.policy;
  const runnerEngine = host.rt.policy;
  if (!agentEngine && !runnerEngine) {
    // Hot path: no rules means allow, still recorded (every gate crossing is in the log).
    recordDecision(host, partial, ALLOW, 'enforce');
    return ALLOW;
  }
  const { args, ...rest } = partial;
  const event: PolicyEvent = {
    ...rest,
    ...(args === undefined ? {} : { args: toJSONValue(args) }),
    runId: host.init.runId,
    threadId: host.init.threadId,
    agentName: host.agent.name,
    agentPath: host.agentPath,
    step: host.state.step,
    context: host.state.context,
  };
  // An agent engine's allow (with or without updatedArgs) does not skip the runner's engine:
  // the runner's rules still see the (updated) call and may deny it or ask a human.
  let allowed: PolicyDecision | undefined;
  for (const engine of [agentEngine, runnerEngine]) {
    if (!engine) continue;
    let d: PolicyDecision;
    try {
      d = await engine.evaluate(event);
    } catch (e) {
      d = { action: 'deny', matchedRules: [], reason: 'policy engine failed', error: String(e) };
    }
    recordDecision(host, event, d, engine.mode);
    if (engine.mode === 'shadow') continue;
    if (d.action !== 'allow') return d;
    if (d.updatedArgs) {
      allowed = allowed?.updatedArgs
        ? { ...d, updatedArgs: { ...allowed.updatedArgs, ...d.updatedArgs } }
        : d;
      const base =
        event.args && typeof event.args === 'object' && !Array.isArray(event.args) ? event.args : {};
      event.args = { ...base, ...d.updatedArgs };
    }
  }
  return allowed ?? ALLOW;
}

function recordDecision(
  host: PolicyHost,
  ev: Pick<PolicyEvent, 'type' | 'toolName' | 'toolCallId'>,
  d: PolicyDecision,
  mode: 'enforce' | 'shadow',
): void {
  host.emit(
    'policy_decision',
    {
      event: ev.type,
      action: d.action,
      mode,
      ...(d.ruleId === undefined ? {} : { ruleId: d.ruleId }),
      ...(d.reason === undefined ? {} : { reason: d.reason }),
      ...(ev.toolName === undefined ? {} : { toolName: ev.toolName }),
      ...(ev.toolCallId === undefined ? {} : { toolCallId: ev.toolCallId }),
      ...(d.error === undefined ? {} : { error: d.error }),
    },
    host.state.step,
  );
}
