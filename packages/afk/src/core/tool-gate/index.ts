import { abortReason } from '../../internal/abort.js';
import type { ToolCall } from '../../llms/types.js';
import { RunEnd } from '../run-end.js';
import type { GateHost } from '../run-types.js';
import { runSubagent } from '../subagents.js';
import { callArgs, releaseCallArgs } from './admit.js';
import { approvalGate } from './approval.js';
import { runBounded, runTool } from './execute.js';
import { journalStart, journalSubagent } from './journal.js';
import { decideCall, needsHuman, skipDenied } from './policy.js';
import { recoverSideEffect } from './recovery.js';
import { asObject, skip } from './skip.js';
import {
  INVALID,
  parseArgs,
  resolveTarget,
  skipInvalid,
  skipUnknown,
  type Target,
  validate,
} from './validate.js';

export { statusOf } from './approval.js';

interface Scheduled {
  call: ToolCall;
  target: Target;
  args: unknown;
}

/** Per-batch outcome the failure policies look at. */
interface BatchOutcome {
  toolFailures: string[];
  /** The first failed tool's error, quoted in the run's error when the policy ends the run. */
  toolError?: string | undefined;
  subagentFailures: string[];
  rejections: string[];
  /** Calls a policy rule denied: under `approvalDenialPolicy` like human rejections. */
  denials: string[];
}

/**
 * The single gate every tool call passes through, as a pipeline of stages:
 * validate (`validate.ts`) → policy (`policy.ts`) → approval (`approval.ts`, crash recovery in
 * `recovery.ts`) → budget and journal (`journal.ts`) → hooks and execution (`execute.ts`,
 * `defer.ts`, subagents) → output sanitising/truncation (`sanitise.ts`). Static tools, subagents,
 * MCP tools and background tools all come through here.
 *
 * Durability: decisions and `tool_started` journal entries are flushed together with the LLM
 * response *before* any tool body runs (for a step of `pure` calls only, the batch may commit
 * while they run); results are flushed with the next step's opening batch, which commits before
 * the next model response is acted on (before the call itself when it holds a side effect's).
 */
export async function processToolCalls(exec: GateHost, calls: ToolCall[]): Promise<void> {
  const fs = exec.agent.failSafe;
  const outcome: BatchOutcome = { toolFailures: [], subagentFailures: [], rejections: [], denials: [] };
  const scheduled: Scheduled[] = [];
  let toolBudget = fs.maxToolCalls - exec.state.toolCalls;
  let fanout = 0;
  let limitRecorded = false;

  for (const call of calls) {
    const j = exec.state.journal[call.id];
    if (j && j.status !== 'started') continue;
    // -- admitted args: the real ones (in memory when stored redacted), or why it cannot run
    const admitted = callArgs(exec, call);
    if (!admitted.ok) {
      const maybe = j ? ' It started before the interruption and may or may not have taken effect.' : '';
      skip(exec, call, admitted.code, admitted.message + maybe);
      continue;
    }
    // -- validate
    const target = resolveTarget(exec.agent, call.name);
    if (!target) {
      skipUnknown(exec, call);
      continue;
    }
    // A call that fails its schema is answered so — unless a policy asks a human for input,
    // whose answer may supply what is missing (it is validated once the answer is applied).
    const parsed = parseArgs(call, target, admitted.args);
    let args = parsed.ok ? parsed.args : admitted.args;
    if (!parsed.ok && j?.status === 'started') {
      skipInvalid(exec, call, parsed.message);
      continue;
    }

    // Crash recovery: this call was journaled as started but never finished.
    if (j?.status === 'started' && target.kind === 'tool') {
      if (j.effects !== 'side_effect') {
        scheduled.push({ call, target, args });
        continue;
      }
      const recovered = await recoverSideEffect(exec, call, target.tool, args);
      if (recovered === 'run') {
        // A human said it did not happen: a fresh journal entry, so that a second crash during
        // this re-run asks again instead of reading the old answer.
        journalStart(exec, call, target.tool, args);
        scheduled.push({ call, target, args });
      }
      continue;
    }

    // -- policy
    const decision = await decideCall(exec, call, target, args);
    if (!parsed.ok && decision.action !== 'request_user_input') {
      skipInvalid(exec, call, parsed.message);
      continue;
    }
    if (decision.action === 'deny') {
      skipDenied(exec, call, decision);
      outcome.denials.push(call.name);
      continue;
    }
    if (decision.updatedArgs && decision.action === 'allow') {
      args = validate(exec, call, target, { ...asObject(args), ...decision.updatedArgs });
      if (args === INVALID) continue;
    }
    // -- approval
    const human = needsHuman(exec, call, target, args, decision);
    if (human === true || (human !== false && (await human))) {
      const kind = decision.action === 'request_user_input' ? 'user_input' : 'approval';
      const verdict = await approvalGate(
        exec,
        call,
        args,
        kind,
        decision.reason,
        decision.ruleId,
        decision.updatedArgs,
      );
      if (verdict.kind === 'wait') continue;
      if (verdict.kind === 'withheld') {
        skip(
          exec,
          call,
          'tool_args_withheld',
          `Not executed: the human's decision on this call to '${call.name}' held secret values (such as a password or key) that are never stored, and they were lost when the run was interrupted. If it should still happen, call '${call.name}' again.`,
        );
        continue;
      }
      if (verdict.kind === 'reject') {
        skip(
          exec,
          call,
          'approval_rejected',
          `A human rejected this call to '${call.name}'${verdict.reason ? `: ${verdict.reason}` : '.'} Do not ask again for the same call.`,
        );
        outcome.rejections.push(call.name);
        continue;
      }
      args = validate(exec, call, target, verdict.args);
      if (args === INVALID) continue;
    }

    // -- budget
    if (target.kind === 'subagent' && ++fanout > fs.maxSubagentFanoutPerStep) {
      skip(
        exec,
        call,
        'limit_exceeded',
        `Not executed: at most ${fs.maxSubagentFanoutPerStep} subagent calls per step.`,
      );
      continue;
    }
    if (toolBudget <= 0) {
      if (!limitRecorded) {
        exec.emit(
          'limit_hit',
          { limit: 'maxToolCalls', value: exec.state.toolCalls, max: fs.maxToolCalls },
          exec.state.step,
        );
        limitRecorded = true;
      }
      skip(
        exec,
        call,
        'limit_exceeded',
        `Not executed: the run reached its tool call limit (maxToolCalls ${fs.maxToolCalls}).`,
      );
      continue;
    }
    toolBudget--;
    // -- journal
    scheduled.push({ call, target, args });
    if (target.kind === 'tool') journalStart(exec, call, target.tool, args);
    else journalSubagent(exec, call, (args as { task: string }).task);
  }

  // Real args are kept only for calls that still wait for a human; the scheduled carry theirs.
  const waiting = new Set(exec.awaiting.map((a) => a.toolCallId));
  for (const c of calls) if (!waiting.has(c.id)) releaseCallArgs(exec, c.id);

  // Durable point: the response, the decisions and the journal, before any body runs; only when
  // every call is `pure` may the batch commit while they run (a crash redoes the step).
  await exec.flush({ behind: true });

  // -- hooks and execution (each body's result is sanitised into `tool_completed`)
  const bodies = runBounded(scheduled, fs.maxParallelTools, async (s) => {
    if (s.target.kind === 'subagent') {
      const ok = await runSubagent(exec, s.call, s.target.agent, (s.args as { task: string }).task);
      if (ok === false) outcome.subagentFailures.push(s.call.name);
    } else {
      const ok = await runTool(exec, s.call, s.target.tool, s.args);
      if (!ok) {
        outcome.toolFailures.push(s.call.name);
        outcome.toolError ??= exec.state.toolExecutions
          .findLast((r) => r.toolCallId === s.call.id)
          ?.error?.replace(/^tool '[^']*' failed: /, '');
      }
    }
  });
  // A journal batch flushed behind (pure calls) starts in the next task, overlapping bodies that
  // take a while; after quick ones the next model call starts it (or any strict flush).
  const kick = setTimeout(() => exec.startTrailingWrites?.(), 0);
  try {
    await bodies;
  } finally {
    clearTimeout(kick);
  }
  if (exec.signal.aborted) throw abortReason(exec.signal);

  applyFailurePolicy(
    fs.toolFailurePolicy,
    outcome.toolFailures,
    'tool_error',
    'tool',
    'failed',
    outcome.toolError,
  );
  applyFailurePolicy(fs.subagentFailurePolicy, outcome.subagentFailures, 'subagent_error', 'subagent');
  applyFailurePolicy(fs.approvalDenialPolicy, outcome.rejections, 'approval_rejected', 'approval for');
  applyFailurePolicy(
    fs.approvalDenialPolicy,
    outcome.denials,
    'policy_denied',
    'tool call',
    'was denied by policy',
  );
}

function applyFailurePolicy(
  policy: 'continue' | 'fail' | 'degrade',
  failures: string[],
  code: string,
  what: string,
  verb = 'failed',
  detail?: string,
): void {
  if (policy === 'continue' || failures.length === 0) return;
  const message = `${what} ${failures.map((f) => `'${f}'`).join(', ')} ${verb} (policy '${policy}')${detail ? `: ${detail}` : ''}`;
  throw new RunEnd(policy === 'fail' ? 'failed' : 'degraded', { code, message });
}
