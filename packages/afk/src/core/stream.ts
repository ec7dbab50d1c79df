import type { AgentResult, ApprovalRequest } from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import type { JSONValue } from '../internal/json.js';

export type AgentStreamEventType =
  | 'run_started'
  | 'step_started'
  | 'text_delta'
  | 'reasoning_delta'
  | 'tool_input_delta'
  | 'llm_completed'
  | 'tool_started'
  | 'tool_completed'
  | 'tool_deferred'
  | 'tool_background_resolved'
  | 'tool_background_failed'
  | 'approval_requested'
  | 'approval_resolved'
  | 'subagent_started'
  | 'subagent_completed'
  | 'policy_decision'
  | 'limit_hit'
  | 'warning'
  | 'completed'
  | 'error';

/**
 * One event of a run's stream: a projection of the persisted run-event log, plus live-only
 * deltas. `seq` is gap-free per stream; `completed` is always last and carries `result`.
 * Events of a subagent are relayed with its `agentPath` ('parent>child').
 */
export interface AgentStreamEvent {
  type: AgentStreamEventType;
  seq: number;
  runId: string;
  agentPath?: string;
  step?: number;
  state?: string;
  textDelta?: string;
  toolName?: string;
  toolCallId?: string;
  toolSuccess?: boolean;
  toolOutput?: JSONValue;
  toolError?: string;
  ticketId?: string;
  approval?: ApprovalRequest;
  result?: AgentResult;
  error?: string;
  /** For `policy_decision`, `limit_hit`, `warning`, `llm_completed`: the log event's data. */
  data?: unknown;
  /**
   * The seq of the stored log event this stream event comes from (`runner.events(runId)`), so a
   * live view can link the two. `seq` numbers the stream (deltas included); `logSeq` the log.
   * Live-only deltas carry the seq of the `llm_called` they stream; `completed` that of
   * `run_completed` (the last stored event, when it could be written).
   */
  logSeq?: number;
}

type Draft = Omit<AgentStreamEvent, 'seq'>;

/** Maps a persisted event to its stream event (undefined for log-only events such as llm_called). */
export function projectEvent(e: RunEvent, agentPath: string): Draft | undefined {
  const base = {
    runId: e.runId,
    agentPath,
    logSeq: e.seq,
    ...(e.step === undefined ? {} : { step: e.step }),
  };
  switch (e.type) {
    case 'run_started':
      return { ...base, type: 'run_started', state: 'running' };
    case 'step_started':
      return { ...base, type: 'step_started', step: e.data.step };
    case 'policy_decision':
    case 'limit_hit':
    case 'warning':
      return { ...base, type: e.type, data: e.data };
    case 'llm_completed':
      return {
        ...base,
        type: 'llm_completed',
        data: {
          model: e.data.response.model,
          finishReason: e.data.response.finishReason,
          usage: e.data.response.usage,
        },
      };
    case 'tool_started':
      return { ...base, type: 'tool_started', toolName: e.data.toolName, toolCallId: e.data.toolCallId };
    case 'tool_completed': {
      const r = e.data.record;
      return {
        ...base,
        type: 'tool_completed',
        toolName: e.data.toolName,
        toolCallId: e.data.toolCallId,
        toolSuccess: !e.data.isError,
        ...(r.output === undefined ? {} : { toolOutput: r.output }),
        ...(e.data.isError ? { toolError: r.error ?? e.data.content } : {}),
      };
    }
    case 'tool_deferred':
      return {
        ...base,
        type: 'tool_deferred',
        toolName: e.data.toolName,
        toolCallId: e.data.toolCallId,
        ticketId: e.data.ticket.ticketId,
      };
    case 'tool_background_resolved':
      return {
        ...base,
        type: e.type,
        toolName: e.data.toolName,
        toolCallId: e.data.toolCallId,
        ticketId: e.data.ticketId,
        toolOutput: e.data.output,
      };
    case 'tool_background_failed':
      return {
        ...base,
        type: e.type,
        toolName: e.data.toolName,
        toolCallId: e.data.toolCallId,
        ticketId: e.data.ticketId,
        toolError: e.data.error,
      };
    case 'approval_requested':
      return {
        ...base,
        type: 'approval_requested',
        approval: e.data.approval as ApprovalRequest,
        toolCallId: e.data.approval.toolCallId,
        toolName: e.data.approval.toolName,
      };
    case 'approval_resolved':
      return { ...base, type: 'approval_resolved', toolCallId: e.data.toolCallId, data: e.data };
    case 'subagent_started':
      return {
        ...base,
        type: 'subagent_started',
        toolCallId: e.data.toolCallId,
        toolName: e.data.subagentName,
      };
    case 'subagent_completed':
      return {
        ...base,
        type: 'subagent_completed',
        toolCallId: e.data.toolCallId,
        toolName: e.data.subagentName,
        toolSuccess: e.data.success,
        ...(e.data.error === undefined ? {} : { toolError: e.data.error }),
      };
    case 'run_completed':
      return { ...base, type: 'completed', state: e.data.result.state, result: e.data.result as AgentResult };
    default:
      return undefined;
  }
}

/** The `data` of the `warning` a subscriber gets after it lost events to its full buffer. */
export interface StreamLagWarning {
  code: 'stream_events_dropped';
  message: string;
  /** Events this subscriber lost (not delivered), since the previous such warning. */
  dropped: number;
  /** The seq range of the lost events. */
  fromSeq: number;
  toSeq: number;
}

class Subscriber implements AsyncIterator<AgentStreamEvent> {
  readonly queue: AgentStreamEvent[] = [];
  private head = 0;
  private wake: ((r: IteratorResult<AgentStreamEvent>) => void) | undefined;
  done = false;
  /** Events lost in all. */
  dropped = 0;
  started = false;
  /** Events lost since the last lag warning (and the first of them). */
  private lost = 0;
  private lostFrom = 0;
  private lostTo = 0;
  private lostRunId = '';

  constructor(
    private readonly limit: number,
    /** The primary subscriber (the handle's own iteration) may hold the run back; extra ones never. */
    readonly primary: boolean,
    private readonly onReturn: () => void,
  ) {}

  get buffered(): number {
    return this.queue.length - this.head;
  }

  push(ev: AgentStreamEvent): void {
    if (this.done) return;
    const last = ev.type === 'completed';
    if (this.buffered >= this.limit && !last) {
      // Bounded memory: a subscriber that stops reading loses events instead of growing without
      // bound; it learns how many from a `warning` once there is room (at the latest before `completed`).
      if (this.lost === 0) {
        this.lostFrom = ev.seq;
        this.lostRunId = ev.runId;
      }
      this.lost++;
      this.lostTo = ev.seq;
      this.dropped++;
      return;
    }
    if (this.lost > 0) this.deliver(this.lagWarning());
    this.deliver(ev);
  }

  private lagWarning(): AgentStreamEvent {
    const data: StreamLagWarning = {
      code: 'stream_events_dropped',
      message: `this stream subscriber lagged: ${this.lost} event(s) (seq ${this.lostFrom}..${this.lostTo}) were dropped from its full buffer (streamBufferLimit ${this.limit})`,
      dropped: this.lost,
      fromSeq: this.lostFrom,
      toSeq: this.lostTo,
    };
    this.lost = 0;
    // Its seq is the last lost event's: the seqs a subscriber sees keep increasing.
    return { type: 'warning', seq: data.toSeq, runId: this.lostRunId, data };
  }

  private deliver(ev: AgentStreamEvent): void {
    if (this.wake) {
      const w = this.wake;
      this.wake = undefined;
      w({ value: ev, done: false });
      return;
    }
    this.queue.push(ev);
  }

  end(): void {
    // A stream that closes without `completed` (an error) still reports what was lost.
    if (this.lost > 0 && !this.done) this.deliver(this.lagWarning());
    this.done = true;
    if (this.wake && this.buffered === 0) {
      const w = this.wake;
      this.wake = undefined;
      w({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<AgentStreamEvent>> {
    this.started = true;
    if (this.buffered > 0) {
      const value = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  return(): Promise<IteratorResult<AgentStreamEvent>> {
    if (!this.done) {
      this.done = true;
      this.queue.length = 0;
      this.head = 0;
      this.onReturn();
    }
    return Promise.resolve({ value: undefined, done: true });
  }
}

/**
 * Fans a run's stream out to subscribers, each with a bounded buffer (`streamBufferLimit`).
 * Sequence numbers are assigned here, so every subscriber sees the same `seq` for an event.
 *
 * Only the primary subscriber (the handle's own iteration) applies backpressure, and only once it
 * reads: the run waits while it lags. Extra subscribers (`handle.subscribe()`) and a primary that
 * never reads never hold the run back: when their buffer is full they lose events, and get a
 * `warning` (`data.code` 'stream_events_dropped', with the count and seq range) in their own
 * stream once there is room again, at the latest just before `completed`, which is never dropped.
 */
export class StreamHub {
  private seq = 0;
  private readonly subs = new Set<Subscriber>();
  private closed = false;
  private drainWaiters: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  /**
   * A new subscriber from now on; `onReturn` runs when its consumer stops early. `primary`: the
   * one subscriber whose reading paces the run (see the class doc).
   */
  subscribe(
    onReturn: () => void = () => {},
    opts: { primary?: boolean } = {},
  ): AsyncIterableIterator<AgentStreamEvent> & { readonly dropped: number } {
    const sub: Subscriber = new Subscriber(this.limit, opts.primary === true, () => {
      this.subs.delete(sub);
      this.notifyDrain();
      onReturn();
    });
    if (this.closed) sub.end();
    else this.subs.add(sub);
    const iter = {
      next: () => {
        const p = sub.next();
        if (sub.primary) this.notifyDrain();
        return p;
      },
      return: () => sub.return(),
      [Symbol.asyncIterator]() {
        return iter;
      },
      get dropped() {
        return sub.dropped;
      },
    };
    return iter;
  }

  publish(draft: Draft): void {
    if (this.closed) return;
    const ev = { ...draft, seq: this.seq++ } as AgentStreamEvent;
    for (const s of this.subs) s.push(ev);
  }

  close(): void {
    this.closed = true;
    for (const s of this.subs) s.end();
    this.subs.clear();
    this.notifyDrain();
  }

  /**
   * Backpressure for the step loop: resolves once the primary subscriber, if it is reading, has
   * fewer than `highWater` (at most the buffer limit) events buffered. Extra subscribers and a
   * primary that never started reading are not waited for (their buffers are bounded instead).
   */
  async drained(highWater = 256): Promise<void> {
    const mark = Math.min(highWater, this.limit);
    for (;;) {
      let full = false;
      for (const s of this.subs) if (s.primary && s.started && !s.done && s.buffered >= mark) full = true;
      if (!full || this.closed) return;
      await new Promise<void>((r) => this.drainWaiters.push(r));
    }
  }

  private notifyDrain(): void {
    if (this.drainWaiters.length === 0) return;
    const w = this.drainWaiters;
    this.drainWaiters = [];
    for (const r of w) r();
  }
}
