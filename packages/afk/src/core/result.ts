import type {
  AgentResult,
  ApprovalRequest,
  BackgroundTicket,
  ErrorInfo,
  RunState,
} from '../events/records.js';
import type { JSONValue } from '../internal/json.js';
import type { RunFoldState } from './fold.js';

/** Builds the `AgentResult` of a run from its folded state. */
export function buildResult(
  s: RunFoldState,
  state: RunState,
  opts: {
    error?: ErrorInfo;
    pending?: { approvals: ApprovalRequest[]; tickets: BackgroundTicket[] };
    now?: number;
  } = {},
): AgentResult {
  const now = opts.now ?? Date.now();
  const elapsedMs = s.status === 'paused' ? s.activeMs : s.activeMs + Math.max(0, now - s.segmentStart);
  const stateSnapshot: Record<string, JSONValue> = {
    agentName: s.agentName,
    agentPath: s.agentPath,
    step: s.step,
    llmCalls: s.llmCalls,
    toolCalls: s.toolCalls,
    elapsedMs,
    limitsHit: [...s.limitsHit],
    requestedModel: s.requestedModel,
    usedModel: s.usedModel ?? null,
    messageCount: s.messages.length,
    lastSeq: s.lastSeq,
  };
  return {
    finalText: s.finalText,
    ...(s.finalStructured === undefined ? {} : { finalStructured: s.finalStructured }),
    state,
    runId: s.runId,
    threadId: s.threadId,
    toolExecutions: s.toolExecutions.map((r) => ({ ...r })),
    subagentExecutions: s.subagentExecutions.map((r) => ({ ...r })),
    usage: { ...s.usage },
    stateSnapshot,
    ...(opts.error ? { error: opts.error } : {}),
    ...(opts.pending ? { pending: opts.pending } : {}),
  };
}
