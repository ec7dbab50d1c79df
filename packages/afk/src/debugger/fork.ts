import { foldRun } from '../core/fold.js';
import { buildResult } from '../core/result.js';
import { AfkConfigError, AfkError } from '../errors/index.js';
import type { ApprovalRequest, BackgroundTicket, ToolExecutionRecord } from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import { newId } from '../internal/ids.js';
import type { Message } from '../llms/types.js';
import type { MemoryStore, RunRecord } from '../memory/types.js';
import type { ForkEdit } from './types.js';

/** The ids a fork gives its own copies of, so nothing it does touches the original run. */
interface IdMap {
  runId: string;
  threadId: string;
  approvals: Map<string, string>;
  tickets: Map<string, string>;
  children: Map<string, string>;
}

const mapped = (m: Map<string, string>, id: string): string => m.get(id) ?? id;

/**
 * Copies a run's log up to and including `atSeq` into a new run on a new thread, optionally with
 * the user message or one tool result edited, and leaves it `interrupted` so that
 * `runner.resume(agent, { runId, threadId })` continues it. The original run and thread are not
 * touched: approvals and tickets get copies under new ids, and a subagent call that had not
 * finished at `atSeq` starts a fresh child run when resumed.
 *
 * @returns the new run's id (its thread id is on its record: `store.getRun(id)`).
 */
export async function forkRun(
  store: MemoryStore,
  runId: string,
  opts: { atSeq: number; edit?: ForkEdit },
): Promise<string> {
  const source = await store.getRun(runId);
  if (!source) throw new AfkError('not_found', `no run ${runId} in the store`);
  const prefix = await store.readEvents(runId, { toSeq: opts.atSeq });
  if (prefix[0]?.seq !== 0 || prefix[0].type !== 'run_started')
    throw new AfkError('invalid_argument', `run ${runId} has no complete log to fork (compacted?)`);
  const last = prefix[prefix.length - 1] as RunEvent;
  if (last.seq !== opts.atSeq)
    throw new AfkError(
      'invalid_argument',
      `run ${runId} has no event at seq ${opts.atSeq} (last is ${last.seq})`,
    );
  // Forking at the end means continuing from just before it.
  const events = last.type === 'run_completed' && prefix.length > 1 ? prefix.slice(0, -1) : prefix;

  const ids: IdMap = {
    runId: newId('run'),
    threadId: newId('thread'),
    approvals: new Map(),
    tickets: new Map(),
    children: new Map(),
  };
  const finished = new Set<string>();
  for (const e of events) {
    if (e.type === 'approval_requested') ids.approvals.set(e.data.approval.id, newId('appr'));
    if (e.type === 'tool_deferred') ids.tickets.set(e.data.ticket.ticketId, newId('ticket'));
    if (e.type === 'subagent_completed') finished.add(e.data.toolCallId);
  }
  for (const e of events)
    if (e.type === 'subagent_started' && !finished.has(e.data.toolCallId))
      ids.children.set(e.data.childRunId, newId('run'));

  const copy = events.map((e) => rewrite(e, ids));
  if (opts.edit && 'userMessage' in opts.edit)
    editUserMessage(copy[0] as RunEvent<'run_started'>, opts.edit.userMessage);
  const now = Date.now();
  if (opts.edit && 'toolResult' in opts.edit) editToolResult(copy, opts.edit.toolResult, now);

  const state = foldRun(copy.map((e) => structuredClone(e)));
  const pendingApprovals: ApprovalRequest[] = [];
  for (const [oldId, newApprovalId] of ids.approvals) {
    const row = await store.getApproval(oldId);
    if (!row) continue;
    const folded = Object.values(state.approvals).find((a) => a.approvalId === newApprovalId);
    const pending = !folded || folded.status === 'pending';
    const { decision: _d, decidedAt: _t, ...rest } = row;
    const copyRow: ApprovalRequest = {
      ...(pending ? rest : row),
      id: newApprovalId,
      runId: ids.runId,
      threadId: ids.threadId,
      rootRunId: ids.runId,
      status: pending ? 'pending' : row.status,
    };
    pendingApprovals.push(copyRow);
  }
  const tickets: BackgroundTicket[] = [];
  for (const [oldId, newTicketId] of ids.tickets) {
    const row = await store.getTicket(oldId);
    if (!row) continue;
    const { ingested: _i, ...rest } = row;
    tickets.push({ ...rest, ticketId: newTicketId, runId: ids.runId, threadId: ids.threadId });
  }

  // End the copy paused, so it lists as resumable and `resume` takes the normal path.
  const pausedSeq = state.lastSeq + 1;
  const paused: RunEvent<'run_paused'> = {
    runId: ids.runId,
    threadId: ids.threadId,
    seq: pausedSeq,
    ts: now,
    type: 'run_paused',
    step: state.step,
    data: {
      reason: 'interrupt',
      approvals: pendingApprovals.filter((a) => a.status === 'pending').map((a) => a.id),
      tickets: tickets.filter((t) => t.status === 'pending').map((t) => t.ticketId),
    },
  };
  const afterPause = foldRun([structuredClone(paused) as RunEvent], state);
  const result = buildResult(afterPause, 'interrupted', {
    pending: { approvals: pendingApprovals.filter((a) => a.status === 'pending'), tickets },
    now,
  });
  const completed: RunEvent<'run_completed'> = {
    runId: ids.runId,
    threadId: ids.threadId,
    seq: pausedSeq + 1,
    ts: now,
    type: 'run_completed',
    step: state.step,
    data: { result },
  };
  const run: RunRecord = {
    runId: ids.runId,
    threadId: ids.threadId,
    agentName: source.agentName,
    rootRunId: ids.runId,
    status: 'interrupted',
    startedAt: now,
    updatedAt: now,
    lastSeq: completed.seq,
    result,
    forkedFrom: { runId, seq: opts.atSeq },
  };
  await store.write({
    events: [...copy, paused as RunEvent, completed as RunEvent],
    run,
    ...(pendingApprovals.length ? { approvals: pendingApprovals } : {}),
    ...(tickets.length ? { tickets } : {}),
    thread: {
      threadId: ids.threadId,
      lastRunId: ids.runId,
      runIds: [ids.runId],
      createdAt: now,
      updatedAt: now,
    },
  });
  return ids.runId;
}

function rewrite(e: RunEvent, ids: IdMap): RunEvent {
  const out = structuredClone(e) as RunEvent;
  out.runId = ids.runId;
  out.threadId = ids.threadId;
  switch (out.type) {
    case 'run_started':
      out.data.rootRunId = ids.runId;
      delete out.data.parentRunId;
      break;
    case 'approval_requested': {
      const a = out.data.approval;
      out.data.approval = {
        ...a,
        id: mapped(ids.approvals, a.id),
        runId: ids.runId,
        threadId: ids.threadId,
        rootRunId: ids.runId,
      };
      break;
    }
    case 'approval_resolved':
      out.data.approvalId = mapped(ids.approvals, out.data.approvalId);
      break;
    case 'tool_deferred':
      out.data.ticket = {
        ...out.data.ticket,
        ticketId: mapped(ids.tickets, out.data.ticket.ticketId),
        runId: ids.runId,
        threadId: ids.threadId,
      };
      break;
    case 'tool_background_resolved':
    case 'tool_background_failed':
      out.data.ticketId = mapped(ids.tickets, out.data.ticketId);
      break;
    case 'run_paused':
      out.data.approvals = out.data.approvals.map((id) => mapped(ids.approvals, id));
      out.data.tickets = out.data.tickets.map((id) => mapped(ids.tickets, id));
      break;
    case 'subagent_started':
      out.data.childRunId = mapped(ids.children, out.data.childRunId);
      break;
    case 'run_completed': {
      const r = out.data.result;
      r.runId = ids.runId;
      r.threadId = ids.threadId;
      if (r.pending) {
        r.pending = {
          approvals: r.pending.approvals.map((a) => ({
            ...a,
            id: mapped(ids.approvals, a.id),
            runId: ids.runId,
          })),
          tickets: r.pending.tickets.map((t) => ({
            ...t,
            ticketId: mapped(ids.tickets, t.ticketId),
            runId: ids.runId,
          })),
        };
      }
      break;
    }
    default:
      break;
  }
  return out;
}

function editUserMessage(start: RunEvent<'run_started'>, text: string): void {
  const input = start.data.input as Message[];
  for (let i = input.length - 1; i >= 0; i--) {
    if (input[i]?.role === 'user') {
      input[i] = { role: 'user', content: text };
      return;
    }
  }
  throw new AfkConfigError('invalid_argument', `run ${start.runId} has no user message to edit`);
}

/** Replaces a tool result in the copy, or supplies it when the fork point is before it ran. */
function editToolResult(copy: RunEvent[], edit: { toolCallId: string; content: string }, now: number): void {
  for (const e of copy) {
    if (e.type === 'tool_completed' && e.data.toolCallId === edit.toolCallId) {
      e.data.content = edit.content;
      e.data.isError = false;
      e.data.record = { ...e.data.record, success: true, output: edit.content };
      delete e.data.record.error;
      return;
    }
  }
  const state = foldRun(copy.map((e) => structuredClone(e)));
  const call = state.pendingToolCalls.find((c) => c.id === edit.toolCallId);
  if (!call)
    throw new AfkConfigError(
      'invalid_argument',
      `tool call ${edit.toolCallId} is neither finished nor pending at the fork point`,
    );
  const record: ToolExecutionRecord = {
    toolName: call.name,
    toolCallId: call.id,
    success: true,
    output: edit.content,
    latencyMs: 0,
    agentName: state.agentName,
    agentPath: state.agentPath,
    replayed: true,
    attempts: 0,
  };
  copy.push({
    runId: state.runId,
    threadId: state.threadId,
    seq: state.lastSeq + 1,
    ts: now,
    type: 'tool_completed',
    step: state.step,
    data: { toolCallId: call.id, toolName: call.name, content: edit.content, isError: false, record },
  } as RunEvent);
}
