import { AfkStorageError, isAbortError, isAfkError, toErrorInfo } from '../errors/index.js';
import type {
  AgentResult,
  ApprovalRequest,
  BackgroundTicket,
  ErrorInfo,
  RunState,
} from '../events/records.js';
import { toJSONValue } from '../internal/json.js';
import type { ThreadRecord } from '../memory/types.js';
import { isLimitReason, now } from './limits.js';
import { buildResult } from './result.js';
import { RunEnd } from './run-end.js';
import type { EndingHost } from './run-types.js';

/** How a run ends: paused for later, finished, or ended by an error. */

/** Pauses the run (state `interrupted`), persisting a snapshot so any runner can resume it. */
export async function pause(
  host: EndingHost,
  reason: 'approval' | 'background' | 'interrupt' | 'side_effect_unknown' | 'subagent',
): Promise<AgentResult> {
  const approvals = [...host.awaiting];
  const pendingTickets = Object.entries(host.state.tickets)
    .filter(([, t]) => t.status === 'pending')
    .map(([id]) => id);
  host.emit(
    'run_paused',
    { reason, approvals: approvals.map((a) => a.id), tickets: pendingTickets },
    host.state.step,
  );
  const tickets = (await Promise.all(pendingTickets.map((id) => host.rt.store.getTicket(id)))).filter(
    (t): t is BackgroundTicket => t !== undefined,
  );
  return finish(host, 'interrupted', undefined, { approvals, tickets });
}

/** Appends `run_completed` with the result and writes the final batch (snapshot + thread). */
export async function finish(
  host: EndingHost,
  state: RunState,
  error?: ErrorInfo,
  pending?: { approvals: ApprovalRequest[]; tickets: BackgroundTicket[] },
): Promise<AgentResult> {
  const result = buildResult(host.state, state, {
    ...(error ? { error } : {}),
    ...(pending ? { pending } : {}),
  });
  const safe = toJSONValue(result) as unknown as AgentResult;
  const completed = host.emit('run_completed', { result: safe }, host.state.step);
  let thread: ThreadRecord | undefined;
  const init = host.init;
  if (!init.parent) {
    const prev = await host.rt.store.getThread(init.threadId);
    const runIds = prev?.runIds.includes(init.runId) ? prev.runIds : [...(prev?.runIds ?? []), init.runId];
    thread = {
      threadId: init.threadId,
      lastRunId: init.runId,
      runIds,
      createdAt: prev?.createdAt ?? Date.now(),
      updatedAt: Date.now(),
    };
  }
  try {
    await host.flush({ snapshot: true, final: true, ...(thread ? { thread } : {}) });
  } catch (e) {
    // Never written: the failure ending (endFromError) appends its own run_completed instead.
    host.retract(completed);
    throw e;
  }
  return publishEnd(host, safe, result);
}

/** Maps whatever ended the loop (RunEnd, an abort, a limit, a storage failure) to the result. */
export async function endFromError(host: EndingHost, e: unknown): Promise<AgentResult> {
  let state: RunState = 'failed';
  let info: ErrorInfo;
  const signal = host.signal;
  const reason = signal.aborted ? (signal.reason as unknown) : undefined;
  if (e instanceof RunEnd) {
    state = e.state;
    info = e.info ?? { code: 'internal', message: e.message };
  } else if (isLimitReason(reason)) {
    const fs = host.agent.failSafe;
    info = toErrorInfo(reason);
    if (host.state)
      host.emit(
        'limit_hit',
        {
          limit: 'maxWallTimeMs',
          value: now() - host.state.segmentStart + host.state.activeMs,
          max: fs.maxWallTimeMs,
        },
        host.state.step,
      );
    state = fs.onLimit === 'fail' ? 'failed' : 'degraded';
  } else if (signal.aborted && isAbortError(reason ?? e)) {
    state = 'cancelled';
    info = toErrorInfo(reason ?? e, 'cancelled');
  } else if (e instanceof AfkStorageError || (isAfkError(e) && e.name === 'AfkStorageError')) {
    info = toErrorInfo(e);
    if ((e as AfkStorageError).code === 'run_leased') {
      // Another owner executes the run now: it is that owner's log, write nothing more.
      if (!host.state) {
        closeHub(host);
        throw e;
      }
      return publishEnd(host, buildResult(host.state, 'failed', { error: info }));
    }
    // Otherwise the store failed (a write after its retries, or a read): end `failed` with a
    // best-effort final write that carries the unwritten events and run_completed.
  } else {
    info = toErrorInfo(e, 'internal');
  }
  if (!host.state) {
    closeHub(host);
    throw e;
  }
  try {
    return await finish(host, state, info);
  } catch {
    // The final batch was refused too: mark the record failed (naming the last committed event,
    // so the stored log stays valid and resumable), else leave the store as it is.
    const failed = buildResult(host.state, 'failed', { error: info });
    await host.markFailed(toJSONValue(failed) as unknown as AgentResult);
    return publishEnd(host, failed);
  }
}

function closeHub(host: EndingHost): void {
  if (!host.init.relayOnly) host.init.hub?.close();
}

/**
 * Publishes `completed` (the last stream event; never for a relayed subagent) and closes the
 * stream. Also ends a run whose final batch could not be written.
 */
function publishEnd(host: EndingHost, published: AgentResult, result: AgentResult = published): AgentResult {
  if (!host.init.relayOnly)
    host.init.hub?.publish({
      type: 'completed',
      runId: host.init.runId,
      agentPath: host.agentPath,
      step: host.state.step,
      logSeq: host.state.lastSeq,
      state: published.state,
      result: published,
    });
  closeHub(host);
  return result;
}
