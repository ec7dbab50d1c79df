import type { z } from 'zod';
import type { Agent } from '../agents/agent.js';
import { AfkError, isAfkError, toErrorInfo } from '../errors/index.js';
import type { ApprovalDecision, ApprovalRequest, ToolExecutionRecord } from '../events/records.js';
import { abortReason, linkSignals, raceSignal } from '../internal/abort.js';
import { newId } from '../internal/ids.js';
import type { JSONValue } from '../internal/json.js';
import { hashValue, toJSONValue } from '../internal/json.js';
import { redact } from '../internal/redact.js';
import type { ToolCall } from '../llms/types.js';
import { executeToolBody, sanitizeToolOutput } from '../tools/execute.js';
import type { AnyTool, ToolContext } from '../tools/tool.js';
import type { RunExecution } from './execution.js';
import { RunEnd, SUBAGENT_ARGS } from './execution.js';
import { runSubagent } from './subagents.js';

type Target = { kind: 'tool'; tool: AnyTool } | { kind: 'subagent'; agent: Agent };

interface Scheduled {
  call: ToolCall;
  target: Target;
  args: unknown;
}

/** Per-batch outcome the failure policies look at. */
interface BatchOutcome {
  toolFailures: string[];
  subagentFailures: string[];
  rejections: string[];
}

/**
 * The single gate every tool call passes through: validation → policy (and approvals) → journal
 * → hooks and execution → output sanitising/truncation. Static tools, subagents, MCP tools and
 * background tools all come through here.
 *
 * Durability: decisions and `tool_started` journal entries are flushed together with the LLM
 * response *before* any tool body runs; results are flushed before the next model call.
 */
export async function processToolCalls(exec: RunExecution, calls: ToolCall[]): Promise<void> {
  const fs = exec.agent.failSafe;
  const outcome: BatchOutcome = { toolFailures: [], subagentFailures: [], rejections: [] };
  const scheduled: Scheduled[] = [];
  let toolBudget = fs.maxToolCalls - exec.state.toolCalls;
  let fanout = 0;
  let limitRecorded = false;

  for (const call of calls) {
    const j = exec.state.journal[call.id];
    if (j && j.status !== 'started') continue;
    const target = resolveTarget(exec.agent, call.name);
    if (!target) {
      const names = [...exec.agent.tools.map((t) => t.name), ...exec.agent.subagents.map((s) => s.name)];
      skip(
        exec,
        call,
        'tool_not_found',
        `Unknown tool '${call.name}'. Available tools: ${names.join(', ') || '(none)'}.`,
      );
      continue;
    }
    let args = validate(exec, call, target, call.args);
    if (args === INVALID) continue;

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

    const decision = await exec.evaluatePolicy({
      type: target.kind === 'subagent' ? 'subagent_before_execute' : 'tool_before_execute',
      toolName: call.name,
      toolCallId: call.id,
      ...(target.kind === 'subagent' ? { subagent: call.name } : {}),
      args,
    });
    if (decision.action === 'deny') {
      skip(
        exec,
        call,
        'tool_denied',
        `Tool call '${call.name}' was denied by policy${decision.ruleId ? ` (rule '${decision.ruleId}')` : ''}${decision.reason ? `: ${decision.reason}` : '.'}`,
      );
      continue;
    }
    if (decision.updatedArgs && decision.action === 'allow') {
      args = validate(exec, call, target, { ...asObject(args), ...decision.updatedArgs });
      if (args === INVALID) continue;
    }
    let needsHuman = decision.action === 'request_approval' || decision.action === 'request_user_input';
    if (!needsHuman && target.kind === 'tool' && target.tool.needsApproval !== false) {
      const na = target.tool.needsApproval;
      needsHuman = na === true || (typeof na === 'function' && (await na(args, gateContext(exec, call))));
    }
    if (needsHuman) {
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
    scheduled.push({ call, target, args });
    if (target.kind === 'tool') {
      journalStart(exec, call, target.tool, args);
    } else if (!exec.state.subagentRuns[call.id]) {
      exec.emit(
        'subagent_started',
        {
          toolCallId: call.id,
          subagentName: call.name,
          childRunId: newId('run'),
          task: (args as { task: string }).task,
        },
        exec.state.step,
      );
    }
  }

  // Durable point: the response, the decisions and the journal, before any body runs.
  await exec.flush();

  await runBounded(scheduled, fs.maxParallelTools, async (s) => {
    if (s.target.kind === 'subagent') {
      const ok = await runSubagent(exec, s.call, s.target.agent, (s.args as { task: string }).task);
      if (ok === false) outcome.subagentFailures.push(s.call.name);
    } else {
      const ok = await runTool(exec, s.call, s.target.tool, s.args);
      if (!ok) outcome.toolFailures.push(s.call.name);
    }
  });
  if (exec.signal.aborted) throw abortReason(exec.signal);

  applyFailurePolicy(fs.toolFailurePolicy, outcome.toolFailures, 'tool_error', 'tool');
  applyFailurePolicy(fs.subagentFailurePolicy, outcome.subagentFailures, 'subagent_error', 'subagent');
  applyFailurePolicy(fs.approvalDenialPolicy, outcome.rejections, 'approval_rejected', 'approval for');
}

/** The durable `tool_started` journal entry (args logged redacted; resume re-reads the call's own args). */
function journalStart(exec: RunExecution, call: ToolCall, tool: AnyTool, args: unknown): void {
  exec.emit(
    'tool_started',
    {
      toolCallId: call.id,
      toolName: call.name,
      args: redact(toJSONValue(args), exec.rt.config.redactKeys),
      effects: tool.effects,
      agentPath: exec.agentPath,
    },
    exec.state.step,
  );
}

function applyFailurePolicy(
  policy: 'continue' | 'fail' | 'degrade',
  failures: string[],
  code: string,
  what: string,
): void {
  if (policy === 'continue' || failures.length === 0) return;
  const message = `${what} ${failures.map((f) => `'${f}'`).join(', ')} failed (policy '${policy}')`;
  throw new RunEnd(policy === 'fail' ? 'failed' : 'degraded', { code, message });
}

function resolveTarget(agent: Agent, name: string): Target | undefined {
  const tool = agent.tools.find((t) => t.name === name);
  if (tool) return { kind: 'tool', tool };
  const sub = agent.subagents.find((s) => s.name === name);
  return sub ? { kind: 'subagent', agent: sub } : undefined;
}

const INVALID = Symbol('invalid');

/** Validates args with the tool's zod schema; invalid args are answered to the model, never run. */
function validate(
  exec: RunExecution,
  call: ToolCall,
  target: Target,
  raw: unknown,
): unknown | typeof INVALID {
  const schema: z.ZodType = target.kind === 'tool' ? target.tool.args : SUBAGENT_ARGS;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(root)',
    message: i.message,
  }));
  skip(
    exec,
    call,
    'tool_invalid_args',
    `Invalid arguments for '${call.name}': ${JSON.stringify(issues)}. Fix the arguments and call again.`,
  );
  return INVALID;
}

/** Answers a call without running it (unknown, invalid, denied, over a limit, rejected). */
function skip(exec: RunExecution, call: ToolCall, code: string, message: string): void {
  const record: ToolExecutionRecord = {
    toolName: call.name,
    toolCallId: call.id,
    success: false,
    error: message,
    latencyMs: 0,
    agentName: exec.agent.name,
    agentPath: exec.agentPath,
    replayed: false,
    attempts: 0,
  };
  exec.emit(
    'tool_completed',
    {
      toolCallId: call.id,
      toolName: call.name,
      content: message,
      isError: true,
      record,
      skipped: true,
      errorCode: code,
    },
    exec.state.step,
  );
}

function asObject(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function gateContext(exec: RunExecution, call: ToolCall): ToolContext {
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

/**
 * Creates a pending approval for one call and logs `approval_requested`. The args are stored
 * redacted; the hash binds a decision to the exact (unredacted) args.
 */
function requestApproval(
  exec: RunExecution,
  call: ToolCall,
  args: unknown,
  opts: Pick<ApprovalRequest, 'kind' | 'allowedDecisions'> & { reason?: string; ruleId?: string },
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
    ...opts,
    status: 'pending',
    createdAt: Date.now(),
  };
  exec.emit('approval_requested', { approval: req }, exec.state.step);
  return req;
}

type Verdict = { kind: 'run'; args: unknown } | { kind: 'reject'; reason?: string } | { kind: 'wait' };

/** Decides one call that needs a human, by mode; external mode leaves it waiting (durably). */
async function approvalGate(
  exec: RunExecution,
  call: ToolCall,
  args: unknown,
  kind: 'approval' | 'user_input',
  reason: string | undefined,
  ruleId: string | undefined,
  target: Record<string, JSONValue> | undefined,
): Promise<Verdict> {
  const existing = exec.state.approvals[call.id];
  if (existing && existing.status !== 'pending') {
    return applyDecision(existing.decision, existing.status, args, target);
  }
  if (existing) {
    const row = await exec.rt.store.getApproval(existing.approvalId);
    if (row) exec.awaiting.push(row);
    return { kind: 'wait' };
  }
  if (kind === 'approval' && exec.state.alwaysApprovedTools.includes(call.name)) return { kind: 'run', args };

  const req = requestApproval(exec, call, args, {
    kind,
    allowedDecisions: kind === 'user_input' ? ['respond', 'reject'] : ['approve', 'reject', 'edit'],
    ...(reason === undefined ? {} : { reason }),
    ...(ruleId === undefined ? {} : { ruleId }),
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
  exec.emit(
    'approval_resolved',
    { approvalId: req.id, toolCallId: call.id, decision, status, by },
    exec.state.step,
  );
  exec.queueApproval({ ...req, status, decision, decidedAt: Date.now() });
  return applyDecision(decision, status, args, target);
}

/**
 * Asks the InteractionProvider, bounded by `approvalTimeoutMs` (rejects with code 'timeout').
 * Raced against the signal: a provider that ignores it still times out.
 */
async function decideInteractively(exec: RunExecution, req: ApprovalRequest): Promise<ApprovalDecision> {
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

/**
 * A side-effecting call started before a crash and never finished: it may or may not have
 * happened. Never re-run blindly: ask a human (approve = run it, reject = skip it, respond = it
 * happened and this is its result) or fail the call, per `unknownSideEffectPolicy`.
 */
async function recoverSideEffect(
  exec: RunExecution,
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

/** Runs one tool body; returns false when it failed. */
async function runTool(exec: RunExecution, call: ToolCall, tool: AnyTool, args: unknown): Promise<boolean> {
  const span = exec.rt.telemetry?.startSpan('afk.tool', { tool: tool.name, toolCallId: call.id });
  const t0 = now();
  const out = await executeToolBody(tool, args, {
    signal: exec.signal,
    runnerMiddlewares: exec.rt.middlewares,
    context: {
      runId: exec.state.runId,
      threadId: exec.state.threadId,
      step: exec.state.step,
      toolCallId: call.id,
      agentName: exec.agent.name,
      agentPath: exec.agentPath,
      context: exec.state.context,
      metadata: {},
    },
  });
  const latencyMs = now() - t0;
  span?.end(out.ok ? { ok: true } : { ok: false, error: out.error.code });
  exec.rt.telemetry?.histogram('afk.tool.latency_ms', latencyMs, { tool: tool.name });
  if (!out.ok && out.aborted) return true;
  if (out.ok && out.deferred) {
    deferCall(exec, call, tool, out.deferred);
    return true;
  }
  completeTool(exec, call, tool, out, latencyMs, false);
  return out.ok;
}

function completeTool(
  exec: RunExecution,
  call: ToolCall,
  tool: AnyTool,
  out: { ok: true; output: unknown; attempts: number } | { ok: false; error: AfkError; attempts: number },
  latencyMs: number,
  replayed: boolean,
): void {
  const cfg = exec.rt.config;
  const record: ToolExecutionRecord = {
    toolName: tool.name,
    toolCallId: call.id,
    success: out.ok,
    ...(out.ok ? { output: toJSONValue(out.output) } : { error: out.error.message }),
    latencyMs,
    agentName: exec.agent.name,
    agentPath: exec.agentPath,
    replayed,
    attempts: out.attempts,
  };
  const content = out.ok
    ? sanitizeToolOutput(out.output, { sanitize: cfg.sanitizeToolOutput, maxChars: cfg.toolOutputMaxChars })
    : `Error (${out.error.code}): ${out.error.message}`;
  exec.emit(
    'tool_completed',
    {
      toolCallId: call.id,
      toolName: tool.name,
      content,
      isError: !out.ok,
      record,
      ...(out.ok ? {} : { errorCode: out.error.code }),
    },
    exec.state.step,
  );
}

function deferCall(
  exec: RunExecution,
  call: ToolCall,
  tool: AnyTool,
  opts: { summary: string; resumeHint?: string; work?: Promise<unknown>; ttlMs?: number },
): void {
  const now = Date.now();
  const ticket = {
    ticketId: newId('tkt'),
    runId: exec.state.runId,
    threadId: exec.state.threadId,
    toolName: tool.name,
    toolCallId: call.id,
    status: 'pending' as const,
    summary: opts.summary,
    ...(opts.resumeHint === undefined ? {} : { resumeHint: opts.resumeHint }),
    createdAt: now,
    expiresAt: now + (opts.ttlMs ?? 24 * 3600_000),
  };
  exec.emit('tool_deferred', { toolCallId: call.id, toolName: tool.name, ticket }, exec.state.step);
  exec.queueTicket(ticket);
  if (opts.work) {
    const rt = exec.rt;
    const settle = (r: { ok: true; output: JSONValue } | { ok: false; error: string }) => {
      rt.settledTickets.set(ticket.ticketId, r);
      // Persist the resolution too, so a runner that resumes elsewhere sees it.
      void rt.store
        .getTicket(ticket.ticketId)
        .then((row) => {
          if (row && row.status === 'pending') {
            return rt.store.write({
              tickets: [
                {
                  ...row,
                  ...(r.ok
                    ? { status: 'completed', output: r.output }
                    : { status: 'failed', error: r.error }),
                },
              ],
            });
          }
          return undefined;
        })
        .catch(() => undefined)
        .finally(() => rt.ticketSignal.dispatchEvent(new Event('settled')));
    };
    opts.work.then(
      (v) => settle({ ok: true, output: toJSONValue(v) }),
      (e: unknown) => settle({ ok: false, error: toErrorInfo(e).message }),
    );
  }
}

/** Runs tasks with at most `limit` in flight; each reports its own events as it finishes. */
async function runBounded<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  if (items.length === 1) return fn(items[0]!);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
