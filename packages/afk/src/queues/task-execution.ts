import type { Agent } from '../agents/agent.js';
import type { AgentStreamHandle, Runner } from '../core/index.js';
import { isAfkError, toErrorInfo } from '../errors/index.js';
import { type JSONValue, toJSONValue } from '../internal/json.js';
import type { MemoryStore, RunRecord } from '../memory/index.js';
import { type AttemptOutcome, type TaskAttempt, TaskStopReason } from './backend.js';
import { type AgentTaskItem, attemptRunId, type HandlerTaskItem } from './task.js';

/** What a handler gets besides its payload. */
export interface TaskHandlerContext {
  task: HandlerTaskItem;
  /** Aborted when the task is cancelled or handed back at shutdown: stop early when you can. */
  signal: AbortSignal;
}

/**
 * A registered handler: called with the task's JSON payload; its return value (JSON) is the
 * task's result. A thrown error fails the attempt (retried with backoff); an error with
 * `retryable: false` dead-letters the task at once. Handlers run at least once per task: after
 * a worker dies mid-attempt another worker calls the handler again, so make it idempotent.
 *
 * @example
 * const handlers = { sendDigest: async (payload: JSONValue) => ({ sent: true }) };
 */
export type TaskHandler = (payload: JSONValue, ctx: TaskHandlerContext) => unknown;

function stopKind(signal: AbortSignal): TaskStopReason['kind'] {
  return signal.reason instanceof TaskStopReason ? signal.reason.kind : 'handed_back';
}

/**
 * The run an agent task's attempt executes. Normally its own (`attemptRunId`: the same for a
 * takeover, new for each retry). A retry whose newest earlier run is still `running` in the
 * store resumes that run instead: its attempt failed without its end reaching the store (the
 * store was unreachable, e.g. PostgreSQL restarting), so the journal, not a fresh run, decides
 * what is left to do and no journaled side effect runs twice. So does a retry whose earlier run
 * ended well (`completed`, `degraded`, `interrupted` for a human) although its attempt failed —
 * its end was committed but the acknowledgement was lost with the connection: resuming a
 * finished run returns its stored result, and nothing runs again. A retry after a run that
 * ended `failed` or `cancelled` starts its own run.
 */
async function attemptRun(
  store: MemoryStore,
  task: AgentTaskItem,
): Promise<{ runId: string; existing: RunRecord | undefined }> {
  const own = task.runId ?? attemptRunId(task);
  const existing = await store.getRun(own);
  if (existing || task.retryCount === 0) return { runId: own, existing };
  for (let r = task.retryCount - 1; r >= 0; r--) {
    const runId = attemptRunId({ ...task, retryCount: r });
    const earlier = await store.getRun(runId);
    if (!earlier) continue;
    if (earlier.status !== 'failed' && earlier.status !== 'cancelled') return { runId, existing: earlier };
    break;
  }
  return { runId: own, existing: undefined };
}

/**
 * Runs an agent task's attempt as an AFK run through `runner` (so it lands in the runner's
 * store and the devtools). The run id is fixed per attempt: a worker that takes over a task
 * whose worker died resumes that run from its journal, so a side-effecting tool that already
 * ran is not run again, and a run that already finished is not run at all.
 */
export async function executeAgentTask(
  runner: Runner,
  agent: Agent,
  task: AgentTaskItem,
  signal: AbortSignal,
): Promise<AttemptOutcome> {
  const { runId, existing } = await attemptRun(runner.store, task);
  const threadId = task.payload.threadId ?? `thread_${runId}`;
  const context = task.payload.context;
  const handle: AgentStreamHandle = existing
    ? runner.resumeStream(agent, { runId, threadId, ...(context ? { context } : {}) })
    : runner.runStream(agent, {
        runId,
        threadId,
        userMessage: task.payload.userMessage,
        ...(context ? { context } : {}),
      });
  const onAbort = () => (stopKind(signal) === 'cancelled' ? handle.cancel() : handle.interrupt());
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    // Drain the events: nobody watches this stream, the store keeps the run.
    for await (const _ of handle) {
      // (events are persisted by the runner)
    }
    const r = await handle.result;
    if (signal.aborted && (r.state === 'interrupted' || r.state === 'cancelled'))
      return { kind: 'handed_back' };
    if (r.state === 'failed' || r.state === 'cancelled')
      return {
        kind: 'failed',
        retryable: true,
        error: r.error ?? { code: 'run_failed', message: `run ${runId} ended ${r.state}` },
      };
    // completed, degraded, or interrupted waiting for a human: the task's work is done; the run
    // continues through `runner.resume` once the approval is decided.
    return { kind: 'completed', result: { runId, threadId, state: r.state, finalText: r.finalText } };
  } catch (e) {
    if (signal.aborted) return { kind: 'handed_back' };
    return { kind: 'failed', retryable: true, error: toErrorInfo(e) };
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Runs a handler task's attempt. */
export async function executeHandlerTask(
  handler: TaskHandler,
  task: HandlerTaskItem,
  signal: AbortSignal,
): Promise<AttemptOutcome> {
  try {
    const out = await handler(structuredClone(task.payload), { task, signal });
    if (signal.aborted && stopKind(signal) !== 'cancelled') return { kind: 'handed_back' };
    return { kind: 'completed', result: out === undefined ? null : toJSONValue(out) };
  } catch (e) {
    if (signal.aborted) return { kind: 'handed_back' };
    const retryable = !(
      typeof e === 'object' &&
      e !== null &&
      (e as { retryable?: unknown }).retryable === false
    );
    const message = e instanceof Error ? e.message : String(e);
    return { kind: 'failed', retryable, error: { code: isAfkError(e) ? e.code : 'handler_error', message } };
  }
}

/** Dispatches an attempt to its agent or handler; an unknown name fails at once, without retry. */
export function executeAttempt(
  attempt: TaskAttempt,
  deps: {
    runner: Runner;
    agents: Readonly<Record<string, Agent>>;
    handlers: Readonly<Record<string, TaskHandler>>;
  },
): Promise<AttemptOutcome> {
  const { task, signal } = attempt;
  if (task.kind === 'agent') {
    const agent = Object.hasOwn(deps.agents, task.agentName) ? deps.agents[task.agentName] : undefined;
    if (!agent)
      return Promise.resolve({
        kind: 'failed',
        retryable: false,
        error: { code: 'unknown_agent', message: `no agent named "${task.agentName}" on this worker` },
      });
    return executeAgentTask(deps.runner, agent, task, signal);
  }
  const handler = Object.hasOwn(deps.handlers, task.handler) ? deps.handlers[task.handler] : undefined;
  if (!handler)
    return Promise.resolve({
      kind: 'failed',
      retryable: false,
      error: { code: 'unknown_handler', message: `no handler named "${task.handler}" on this worker` },
    });
  return executeHandlerTask(handler, task, signal);
}
