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
}

type Draft = Omit<AgentStreamEvent, 'seq'>;

/** Maps a persisted event to its stream event (undefined for log-only events such as llm_called). */
export function projectEvent(e: RunEvent, agentPath: string): Draft | undefined {
  const base = { runId: e.runId, agentPath, ...(e.step === undefined ? {} : { step: e.step }) };
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

class Subscriber implements AsyncIterator<AgentStreamEvent> {
  readonly queue: AgentStreamEvent[] = [];
  private head = 0;
  private wake: ((r: IteratorResult<AgentStreamEvent>) => void) | undefined;
  done = false;
  dropped = 0;
  started = false;

  constructor(
    private readonly limit: number,
    private readonly onReturn: () => void,
  ) {}

  get buffered(): number {
    return this.queue.length - this.head;
  }

  push(ev: AgentStreamEvent): void {
    if (this.done) return;
    if (this.wake) {
      const w = this.wake;
      this.wake = undefined;
      w({ value: ev, done: false });
      return;
    }
    if (this.buffered >= this.limit && ev.type !== 'completed') {
      // Bounded memory: a subscriber that stops reading loses events instead of growing without bound.
      this.dropped++;
      return;
    }
    this.queue.push(ev);
  }

  end(): void {
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
 * Fans a run's stream out to subscribers, each with a bounded buffer. Sequence numbers are
 * assigned here, so every subscriber sees the same gap-free `seq`.
 */
export class StreamHub {
  private seq = 0;
  private readonly subs = new Set<Subscriber>();
  private closed = false;
  private drainWaiters: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  /** A new subscriber from now on; `onReturn` runs when its consumer stops early. */
  subscribe(
    onReturn: () => void = () => {},
  ): AsyncIterableIterator<AgentStreamEvent> & { readonly dropped: number } {
    const sub: Subscriber = new Subscriber(this.limit, () => {
      this.subs.delete(sub);
      this.notifyDrain();
      onReturn();
    });
    if (this.closed) sub.end();
    else this.subs.add(sub);
    const iter = {
      next: () => {
        const p = sub.next();
        this.notifyDrain();
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
   * Backpressure for the step loop: resolves once every subscriber that is actively reading has
   * fewer than `highWater` events buffered. Subscribers that never started reading do not stall
   * the run (they are bounded by the buffer limit instead).
   */
  async drained(highWater = 256): Promise<void> {
    for (;;) {
      let full = false;
      for (const s of this.subs) if (s.started && !s.done && s.buffered >= highWater) full = true;
      if (!full || this.closed) return;
      await new Promise<void>((r) => this.drainWaiters.push(r));
    }
  }

  private notifyDrain(): void {
    const w = this.drainWaiters;
    this.drainWaiters = [];
    for (const r of w) r();
  }
}
