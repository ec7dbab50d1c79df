import { Agent } from '../agents/agent.js';
import type { Runner } from '../core/runner.js';
import type { RunOptions } from '../core/runner-options.js';
import { toErrorInfo } from '../errors/index.js';
import type { AgentResult, ErrorInfo, RunState, UsageAggregate } from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import { type JSONValue, toJSONValue } from '../internal/json.js';
import type { LLMClient } from '../llms/types.js';
import { toAssertion } from './assertions/from-spec.js';
import { budgetViolations } from './budget-check.js';
import type { Assertion, AssertionContext, AssertionResult, ToolCallView } from './models/assertion.js';
import type { AssertionSpec } from './models/assertion-spec.js';
import type { EvalCase } from './models/case.js';
import { replayModel } from './models/case-from-run.js';
import type { JudgeCache } from './models/judge-cache.js';
import type { TrialReport } from './models/report.js';
import type { SuiteAgent } from './suite-options.js';
import { addUsage, zeroUsage } from './usage.js';

/** What a trial needs from its suite. */
export interface TrialDeps {
  runner: Pick<Runner, 'run' | 'events'>;
  agent: SuiteAgent;
  suiteAssertions: ReadonlyArray<Assertion | AssertionSpec>;
  judgeCache: JudgeCache;
  resolveModel(model: string | LLMClient): Promise<LLMClient>;
  /** Charges judge usage to the suite as it is spent. */
  chargeSuite(usage: UsageAggregate): void;
  /** The suite's signal, when it can abort (a user signal or a suite time budget). */
  signal: AbortSignal | undefined;
}

/** Handed to assertions when the suite cannot abort. */
const NEVER = new AbortController().signal;

const DEFAULT_STATES: readonly RunState[] = ['completed'];

/** The agent with another model (a case's replay): same tools, policies, limits and settings. */
function withModel(agent: Agent, model: LLMClient): Agent {
  return new Agent({
    name: agent.name,
    model,
    ...(agent.instructions === undefined ? {} : { instructions: agent.instructions }),
    ...(agent.description === undefined ? {} : { description: agent.description }),
    tools: [...agent.tools],
    subagents: [...agent.subagents],
    failSafe: { ...agent.failSafe },
    ...(agent.policy === undefined ? {} : { policy: agent.policy }),
    ...(agent.outputSchema === undefined ? {} : { outputSchema: agent.outputSchema }),
    modelSettings: { ...agent.modelSettings },
    history: { ...agent.history },
    contextDefaults: { ...agent.contextDefaults },
    inheritContextKeys: [...agent.inheritContextKeys],
  });
}

/**
 * An assertion's result as the report keeps it. The report is persisted as built (no copy pass
 * over 1,000 cases), so whatever an assertion of one's own returns is made JSON-safe here: the
 * score clamped to 0..1, metadata through `toJSONValue`. A result that is not an object throws
 * (the case is `errored`, naming the assertion).
 */
function reportable(name: string, r: AssertionResult): AssertionResult {
  if (typeof r !== 'object' || r === null) throw new Error(`returned ${String(r)}, not a result`);
  const out: AssertionResult = {
    name: typeof r.name === 'string' ? r.name : name,
    score: Math.min(1, Math.max(0, Number.isFinite(r.score) ? r.score : r.passed === true ? 1 : 0)),
    passed: r.passed === true,
    reason: typeof r.reason === 'string' ? r.reason : String(r.reason ?? ''),
  };
  if (r.metadata !== undefined) out.metadata = toJSONValue(r.metadata) as Record<string, JSONValue>;
  return out;
}

function counters(result: AgentResult): { steps: number; llmCalls: number; toolCalls: number } {
  const n = (k: string) => {
    const v = result.stateSnapshot[k];
    return typeof v === 'number' ? v : 0;
  };
  return { steps: n('step'), llmCalls: n('llmCalls'), toolCalls: n('toolCalls') };
}

function errored(
  trial: number,
  error: ErrorInfo,
  durationMs: number,
  extra: Partial<TrialReport> = {},
): TrialReport {
  return {
    trial,
    status: 'errored',
    passed: false,
    error,
    assertions: [],
    budgetViolations: [],
    durationMs,
    usage: zeroUsage(),
    judgeUsage: zeroUsage(),
    ...extra,
  };
}

/**
 * Runs one trial of a case: the agent's run (a replaying model for a case with `replay`), then
 * the budget, the expected end state and every assertion. Never throws: a run that fails is a
 * `failed` trial; an agent factory, runner or assertion that throws is an `errored` one.
 */
export async function runTrial(c: EvalCase, trial: number, deps: TrialDeps): Promise<TrialReport> {
  const start = performance.now();
  let agent: Agent;
  try {
    agent = typeof deps.agent === 'function' ? await deps.agent(c) : deps.agent;
    if (c.replay) agent = withModel(agent, replayModel(c.replay));
  } catch (e) {
    return errored(
      trial,
      {
        code: 'agent_error',
        message: `the agent for case ${c.id} could not be made: ${toErrorInfo(e).message}`,
      },
      0,
    );
  }

  // A signal only when something can abort the run (the suite's, or the case's time budget):
  // a run without one skips the runtime's abort wiring, which a 1,000-case suite notices.
  const maxMs = c.budget?.maxDurationMs;
  let signal = deps.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let unlink: (() => void) | undefined;
  if (maxMs !== undefined) {
    // The time budget is enforced, not only reported: the run is aborted when it is spent.
    const ctrl = new AbortController();
    const suite = deps.signal;
    if (suite) {
      const onSuiteAbort = () => ctrl.abort(suite.reason);
      if (suite.aborted) ctrl.abort(suite.reason);
      else suite.addEventListener('abort', onSuiteAbort, { once: true });
      unlink = () => suite.removeEventListener('abort', onSuiteAbort);
    }
    timer = setTimeout(() => ctrl.abort(new Error('eval time budget spent')), maxMs);
    signal = ctrl.signal;
  }
  let result: AgentResult;
  try {
    const runOpts: RunOptions = { userMessage: c.input };
    if (c.context) runOpts.context = c.context;
    if (signal) runOpts.signal = signal;
    result = await deps.runner.run(agent, runOpts);
  } catch (e) {
    return errored(trial, toErrorInfo(e), performance.now() - start);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    unlink?.();
  }
  const durationMs = performance.now() - start;
  const count = counters(result);
  const runUsage = { ...result.usage };
  const judgeUsage = zeroUsage();
  const violations = c.budget
    ? budgetViolations(c.budget, {
        durationMs,
        costUsd: runUsage.costUsd,
        totalTokens: runUsage.totalTokens,
        steps: count.steps,
        toolCalls: count.toolCalls,
        llmCalls: count.llmCalls,
      })
    : [];

  let events: Promise<RunEvent[]> | undefined;
  let calls: Promise<ToolCallView[]> | undefined;
  const ctx: AssertionContext = {
    case: c,
    result,
    trial,
    durationMs,
    events: () => {
      events ??= deps.runner.events(result.runId);
      return events;
    },
    toolCalls: () => {
      calls ??= ctx.events().then((evs) =>
        evs
          .filter((e): e is RunEvent<'tool_started'> => e.type === 'tool_started')
          .map((e) => ({
            name: e.data.toolName,
            args: e.data.args,
            toolCallId: e.data.toolCallId,
            agentPath: e.data.agentPath,
          })),
      );
      return calls;
    },
    judgeCache: deps.judgeCache,
    resolveModel: deps.resolveModel,
    addUsage: (u) => {
      addUsage(judgeUsage, u);
      deps.chargeSuite(u);
    },
    signal: deps.signal ?? NEVER,
  };

  const assertions: AssertionResult[] = [];
  let thrown: ErrorInfo | undefined;
  const all = [...(c.assertions ?? []), ...deps.suiteAssertions];
  for (const spec of all) {
    let a: Assertion | undefined;
    try {
      a = toAssertion(spec);
      const r = a.evaluate(ctx);
      // Most assertions answer synchronously: no microtask hop for those.
      assertions.push(
        reportable(
          a.name,
          typeof (r as PromiseLike<AssertionResult>)?.then === 'function' ? await r : (r as AssertionResult),
        ),
      );
    } catch (e) {
      const info = toErrorInfo(e);
      const name = a?.name ?? ('type' in spec ? spec.type : 'assertion');
      thrown ??= { code: info.code, message: `assertion ${name} threw: ${info.message}` };
      assertions.push({ name, score: 0, passed: false, reason: `threw: ${info.message}` });
    }
  }

  const states = c.expectedStates ?? DEFAULT_STATES;
  const stateOk = states.includes(result.state);
  const passed = !thrown && stateOk && violations.length === 0 && assertions.every((a) => a.passed);
  const error: ErrorInfo | undefined =
    thrown ??
    (stateOk
      ? undefined
      : (result.error ?? {
          code: 'unexpected_state',
          message: `the run ended ${result.state}, expected ${states.join(' or ')}`,
        }));
  // One literal, no spread: a 1,000-case suite builds a thousand of these.
  const report: TrialReport = {
    trial,
    status: thrown ? 'errored' : passed ? 'passed' : 'failed',
    passed,
    state: result.state,
    assertions,
    budgetViolations: violations,
    durationMs,
    usage: addUsage(runUsage, judgeUsage),
    judgeUsage,
    runId: result.runId,
    finalText: result.finalText,
    counters: count,
  };
  if (error) report.error = error;
  return report;
}
