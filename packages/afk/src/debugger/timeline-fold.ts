import { AfkStorageError } from '../errors/index.js';
import type { UsageAggregate } from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import type { JSONValue } from '../internal/json.js';
import { type PayloadOptions, shapePayload } from './payload.js';
import { appendTo, messagesSoFar, RUN_STATUS, span, timelineOf } from './timeline-spans.js';
import type { Span, SpanStatus, Timeline } from './types.js';

/** What the fold of one run's log needs: the payload shaping and whether to keep llm inputs. */
export type TimelineFoldOptions = PayloadOptions & { captureLlmPayloads?: boolean };

/**
 * The incremental fold of one run's log into its span tree: events are pushed in order, in as
 * many chunks as the caller likes (the devtools fold a 100,000-event run in time slices), and the
 * result is the same as one pass over the whole log. Every event costs O(1) plus the size of its
 * own payloads: no scan of earlier events, no copy of growing arrays (see `gen_ai.input.messages`).
 */
export interface TimelineFold {
  readonly runId: string;
  /** The run's span, growing as events are pushed (shared, mutated in place). */
  readonly root: Span;
  readonly usage: UsageAggregate;
  /** How many events were folded. */
  readonly count: number;
  /** The seq of the last event folded. */
  readonly lastSeq: number;
  readonly state: Timeline['state'];
  /** Folds `events[from..to)` (default: all of them), in log order. */
  push(events: readonly RunEvent[], from?: number, to?: number): void;
  /**
   * The timeline as far as it was folded, for showing while the rest loads: the same spans (not
   * copies), no widening of parents and no subagent runs nested yet (both happen in `finish`).
   */
  partial(): Timeline;
}

/** Where one fold's counters live (a plain record the closures share). */
interface FoldState {
  state: Timeline['state'];
  count: number;
  lastSeq: number;
}

/**
 * Starts the fold of run `runId` at its first event, which must be `run_started`
 * (`AfkStorageError` `log_corrupt` otherwise). The first event is folded too.
 *
 * @example
 * const fold = foldTimeline(runId, events[0], { includeContent: true, maxPayloadChars: 1e5, redactKeys: [] });
 * fold.push(events, 1);
 * fold.partial().root.children.length;
 */
export function foldTimeline(
  runId: string,
  first: RunEvent | undefined,
  opts: TimelineFoldOptions,
): TimelineFold {
  if (first?.type !== 'run_started')
    throw new AfkStorageError('log_corrupt', `run ${runId} has no run_started event`);
  const payload = (v: unknown): JSONValue => shapePayload(v, opts);
  const agentPath = first.data.agentPath;
  const root = span('run', first.data.agentName, runId, agentPath, first, 'running', {
    'gen_ai.agent.name': first.data.agentName,
    'gen_ai.request.model': first.data.model,
    'afk.thread_id': first.threadId,
    ...(first.data.parentRunId ? { 'afk.parent_run_id': first.data.parentRunId } : {}),
  });
  const usage: UsageAggregate = { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 };
  const fs: FoldState = { state: 'running', count: 1, lastSeq: first.seq };
  let step: Span | undefined;
  let llm: Span | undefined;
  const tools = new Map<string, Span>();
  const approvals = new Map<string, Span>();
  const background = new Map<string, Span>();
  const subagents = new Map<string, Span>();
  // A tool's policy decision comes before its span opens: held here until then.
  const pendingPolicy = new Map<string, Record<string, JSONValue>>();
  // The messages as the model saw them, only kept when llm payloads are captured.
  const transcript: JSONValue[] | undefined = opts.captureLlmPayloads
    ? [...first.data.history, ...first.data.input].map(payload)
    : undefined;

  const parentOf = (): Span => step ?? root;
  const close = (s: Span, e: RunEvent, status: SpanStatus): void => {
    s.endTs = Math.max(e.ts, s.startTs);
    s.toSeq = e.seq;
    s.status = status;
  };

  const apply = (e: RunEvent): void => {
    switch (e.type) {
      case 'run_started':
        break;
      case 'step_started': {
        // A step redone after a crash keeps its span (same step number).
        if (step && step.attributes['afk.step'] === e.data.step) break;
        if (step && step.status === 'running') close(step, e, 'ok');
        step = span('step', `step ${e.data.step}`, runId, agentPath, e, 'running', {
          'afk.step': e.data.step,
        });
        root.children.push(step);
        break;
      }
      case 'llm_called': {
        llm = span('llm', e.data.model, runId, agentPath, e, 'running', {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': e.data.model,
          'afk.message_count': e.data.messageCount,
          'afk.stream': e.data.stream,
        });
        if (transcript) messagesSoFar(llm.attributes, transcript);
        parentOf().children.push(llm);
        break;
      }
      case 'llm_completed': {
        const r = e.data.response;
        usage.inputTokens += r.usage.inputTokens;
        usage.outputTokens += r.usage.outputTokens;
        usage.totalTokens += r.usage.totalTokens;
        usage.costUsd += e.data.costUsd;
        const attrs: Record<string, JSONValue> = {
          'gen_ai.response.model': r.model,
          'gen_ai.response.finish_reasons': [r.finishReason],
          'gen_ai.usage.input_tokens': r.usage.inputTokens,
          'gen_ai.usage.output_tokens': r.usage.outputTokens,
          'afk.usage.total_tokens': r.usage.totalTokens,
          costUsd: e.data.costUsd,
          'afk.latency_ms': e.data.latencyMs,
          'afk.output.text': payload(r.text),
          'afk.output.tool_calls': r.toolCalls.map((c) => ({
            id: c.id,
            name: c.name,
            args: payload(c.args),
          })),
          ...(r.usage.cachedInputTokens === undefined
            ? {}
            : { 'gen_ai.usage.cached_input_tokens': r.usage.cachedInputTokens }),
          ...(r.requestId === undefined ? {} : { 'gen_ai.response.id': r.requestId }),
        };
        const target =
          llm ?? span('llm', r.model, runId, agentPath, e, 'running', { 'gen_ai.request.model': r.model });
        if (!llm) parentOf().children.push(target);
        Object.assign(target.attributes, attrs);
        close(target, e, 'ok');
        llm = undefined;
        transcript?.push(
          payload(
            r.toolCalls.length
              ? { role: 'assistant', content: r.text, toolCalls: r.toolCalls }
              : { role: 'assistant', content: r.text },
          ),
        );
        break;
      }
      case 'llm_failed': {
        const target =
          llm ??
          span('llm', e.data.model, runId, agentPath, e, 'running', { 'gen_ai.request.model': e.data.model });
        if (!llm) parentOf().children.push(target);
        target.attributes['error.type'] = e.data.error.code;
        target.attributes['afk.error.message'] = payload(e.data.error.message);
        target.attributes['afk.will_fallback'] = e.data.willFallback;
        close(target, e, 'error');
        llm = undefined;
        break;
      }
      case 'policy_decision': {
        // Decisions are attributes of what they gate, not spans of their own.
        const attrs = {
          'afk.policy.action': e.data.action,
          'afk.policy.mode': e.data.mode,
          ...(e.data.ruleId ? { 'afk.policy.rule_id': e.data.ruleId } : {}),
          ...(e.data.reason ? { 'afk.policy.reason': e.data.reason } : {}),
        };
        if (e.data.toolCallId) pendingPolicy.set(e.data.toolCallId, attrs);
        else if (step) Object.assign(step.attributes, attrs);
        break;
      }
      case 'tool_started': {
        const s = span('tool', e.data.toolName, runId, e.data.agentPath, e, 'running', {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': e.data.toolName,
          'gen_ai.tool.call.id': e.data.toolCallId,
          'afk.tool.effects': e.data.effects,
          'afk.tool.args': payload(e.data.args),
          ...(e.data.metadata ? { 'afk.tool.metadata': e.data.metadata } : {}),
          ...(typeof e.data.metadata?.server === 'string'
            ? { 'afk.tool.server': e.data.metadata.server }
            : {}),
          ...pendingPolicy.get(e.data.toolCallId),
        });
        pendingPolicy.delete(e.data.toolCallId);
        const prev = tools.get(e.data.toolCallId);
        // A call re-run after a crash: the new attempt replaces the unfinished one.
        if (prev && prev.status === 'running') close(prev, e, 'cancelled');
        tools.set(e.data.toolCallId, s);
        parentOf().children.push(s);
        break;
      }
      case 'tool_completed': {
        const d = e.data;
        let s = tools.get(d.toolCallId);
        if (!s) {
          s = span('tool', d.toolName, runId, d.record.agentPath || agentPath, e, 'running', {
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': d.toolName,
            'gen_ai.tool.call.id': d.toolCallId,
            ...pendingPolicy.get(d.toolCallId),
          });
          pendingPolicy.delete(d.toolCallId);
          parentOf().children.push(s);
        }
        s.attributes['afk.tool.result'] = payload(d.content);
        if (d.record.output !== undefined) s.attributes['afk.tool.output'] = payload(d.record.output);
        if (d.record.error !== undefined) s.attributes['error.type'] = d.errorCode ?? 'tool_error';
        if (d.record.error !== undefined) s.attributes['afk.error.message'] = payload(d.record.error);
        if (d.errorCode) s.attributes['error.type'] = d.errorCode;
        s.attributes['afk.tool.attempts'] = d.record.attempts;
        s.attributes['afk.tool.replayed'] = d.record.replayed;
        close(s, e, d.skipped ? 'skipped' : d.isError ? 'error' : 'ok');
        tools.delete(d.toolCallId);
        transcript?.push(
          payload({ role: 'tool', toolCallId: d.toolCallId, name: d.toolName, content: d.content }),
        );
        break;
      }
      case 'tool_deferred': {
        const d = e.data;
        const t = tools.get(d.toolCallId);
        if (t) {
          t.attributes['afk.tool.deferred'] = true;
          t.attributes['afk.ticket_id'] = d.ticket.ticketId;
          close(t, e, 'ok');
          tools.delete(d.toolCallId);
        }
        const b = span('background', d.toolName, runId, agentPath, e, 'paused', {
          'afk.ticket_id': d.ticket.ticketId,
          'gen_ai.tool.call.id': d.toolCallId,
          'afk.ticket.summary': payload(d.ticket.summary),
          'afk.ticket.expires_at': d.ticket.expiresAt,
        });
        background.set(d.ticket.ticketId, b);
        // Background work outlives its step: it hangs off the run.
        root.children.push(b);
        break;
      }
      case 'tool_background_resolved':
      case 'tool_background_failed': {
        const b = background.get(e.data.ticketId);
        if (!b) break;
        if (e.type === 'tool_background_resolved') b.attributes['afk.tool.output'] = payload(e.data.output);
        else b.attributes['afk.error.message'] = payload(e.data.error);
        b.attributes['afk.wait_ms'] = Math.max(0, e.ts - b.startTs);
        close(b, e, e.type === 'tool_background_resolved' ? 'ok' : 'error');
        background.delete(e.data.ticketId);
        break;
      }
      case 'approval_requested': {
        const a = e.data.approval;
        const s = span('approval', a.toolName, runId, a.agentPath, e, 'paused', {
          'afk.approval.id': a.id,
          'afk.approval.kind': a.kind,
          'gen_ai.tool.call.id': a.toolCallId,
          'afk.tool.args': payload(a.args),
          ...(a.reason ? { 'afk.approval.reason': payload(a.reason) } : {}),
          ...(a.ruleId ? { 'afk.policy.rule_id': a.ruleId } : {}),
        });
        approvals.set(a.id, s);
        parentOf().children.push(s);
        break;
      }
      case 'approval_resolved': {
        const s = approvals.get(e.data.approvalId);
        if (!s) break;
        s.attributes['afk.approval.status'] = e.data.status;
        s.attributes['afk.approval.by'] = e.data.by;
        s.attributes['afk.approval.decision'] = payload(e.data.decision);
        s.attributes['afk.wait_ms'] = Math.max(0, e.ts - s.startTs);
        close(s, e, e.data.status === 'rejected' || e.data.status === 'expired' ? 'error' : 'ok');
        approvals.delete(e.data.approvalId);
        break;
      }
      case 'subagent_started': {
        const d = e.data;
        const s = span('subagent', d.subagentName, runId, `${agentPath}>${d.subagentName}`, e, 'running', {
          'gen_ai.agent.name': d.subagentName,
          'gen_ai.tool.call.id': d.toolCallId,
          'afk.child_run_id': d.childRunId,
          'afk.task': payload(d.task),
        });
        subagents.set(d.toolCallId, s);
        parentOf().children.push(s);
        break;
      }
      case 'subagent_completed': {
        const d = e.data;
        const s = subagents.get(d.toolCallId);
        if (!s) break;
        s.attributes['afk.success'] = d.success;
        if (d.outputText !== undefined) s.attributes['afk.output.text'] = payload(d.outputText);
        if (d.error !== undefined) s.attributes['afk.error.message'] = payload(d.error);
        s.attributes['afk.usage.total_tokens'] = d.usage.totalTokens;
        s.attributes.costUsd = d.usage.costUsd;
        usage.inputTokens += d.usage.inputTokens;
        usage.outputTokens += d.usage.outputTokens;
        usage.totalTokens += d.usage.totalTokens;
        usage.costUsd += d.usage.costUsd;
        close(s, e, d.success ? 'ok' : 'error');
        subagents.delete(d.toolCallId);
        break;
      }
      case 'message_added':
        transcript?.push(payload(e.data.message));
        break;
      case 'limit_hit': {
        const target = step ?? root;
        appendTo(target.attributes, 'afk.limits_hit', {
          limit: e.data.limit,
          value: e.data.value,
          max: e.data.max,
        });
        break;
      }
      case 'warning': {
        const target = step ?? root;
        appendTo(target.attributes, 'afk.warnings', { code: e.data.code, message: payload(e.data.message) });
        break;
      }
      case 'run_paused':
        fs.state = 'paused';
        root.attributes['afk.pause_reason'] = e.data.reason;
        break;
      case 'run_resumed':
        fs.state = 'running';
        for (const s of step ? [root, step] : [root]) {
          s.status = 'running';
          delete s.endTs;
          delete s.toSeq;
        }
        break;
      case 'run_completed': {
        const r = e.data.result;
        fs.state = r.state;
        close(root, e, RUN_STATUS[r.state] ?? 'ok');
        if (r.error) {
          root.attributes['error.type'] = r.error.code;
          root.attributes['afk.error.message'] = payload(r.error.message);
        }
        root.attributes['afk.state'] = r.state;
        root.attributes['afk.output.text'] = payload(r.finalText);
        if (step?.status === 'running')
          close(step, e, r.state === 'interrupted' ? 'paused' : (RUN_STATUS[r.state] ?? 'ok'));
        break;
      }
    }
  };

  const fold: TimelineFold = {
    runId,
    root,
    usage,
    get count() {
      return fs.count;
    },
    get lastSeq() {
      return fs.lastSeq;
    },
    get state() {
      return fs.state;
    },
    push(events, from = 0, to = events.length) {
      for (let i = from; i < to; i++) {
        const e = events[i] as RunEvent;
        apply(e);
        fs.lastSeq = e.seq;
      }
      fs.count += Math.max(0, to - from);
    },
    partial() {
      return timelineOf(
        fold,
        first,
        root.status === 'running' && fs.state === 'paused' ? 'paused' : root.status,
      );
    },
  };
  return fold;
}
