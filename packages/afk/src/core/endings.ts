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
  host.emit('run_completed', { result: safe }, host.state.step);
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
  await host.flush({ snapshot: true, final: true, ...(thread ? { thread } : {}) });
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
    // Persistence is gone: report, but do not try to write more (the committed log stays intact).
    info = toErrorInfo(e);
    if (!host.state) {
      closeHub(host);
      throw e;
    }
    return publishEnd(host, buildResult(host.state, 'failed', { error: info }));
  } else {
    info = toErrorInfo(e, 'internal');
  }
  if (!host.state) {
    closeHub(host);
    throw e;
  }
  try {
    return await finish(host, state, info);
  } catch (writeError) {
    return publishEnd(host, buildResult(host.state, 'failed', { error: toErrorInfo(writeError) }));
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
      state: published.state,
      result: published,
    });
  closeHub(host);
  return result;
}
