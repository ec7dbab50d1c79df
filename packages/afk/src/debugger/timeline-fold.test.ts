import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../events/run-event.js';
import { buildTimeline, finishTimeline, flattenSpans } from './timeline.js';
import { foldTimeline } from './timeline-fold.js';

const OPTS = { includeContent: true, maxPayloadChars: 100_000, redactKeys: ['apiKey'] };

/** A synthetic log of about `n` events: steps of llm call → tool round trip → warning. */
function syntheticLog(n: number): RunEvent[] {
  const out: RunEvent[] = [];
  const base = { runId: 'r', threadId: 't' };
  const push = (type: string, data: unknown, step?: number) =>
    out.push({
      ...base,
      seq: out.length,
      ts: 1000 + out.length,
      type,
      data,
      ...(step ? { step } : {}),
    } as RunEvent);
  push('run_started', {
    agentName: 'a',
    agentPath: 'a',
    rootRunId: 'r',
    model: 'm',
    history: [],
    input: [{ role: 'user', content: 'go' }],
    context: {},
  });
  for (let s = 1; out.length < n - 1; s++) {
    push('step_started', { step: s }, s);
    push('llm_called', { model: 'm', messageCount: s, stream: false }, s);
    push(
      'llm_completed',
      {
        response: {
          text: '',
          toolCalls: [{ id: `c${s}`, name: 'add', args: { a: s, apiKey: 'sk' } }],
          finishReason: 'tool_calls',
          usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
          model: 'm',
        },
        requestedModel: 'm',
        costUsd: 0,
        latencyMs: 1,
      },
      s,
    );
    push(
      'tool_started',
      { toolCallId: `c${s}`, toolName: 'add', args: { a: s }, effects: 'pure', agentPath: 'a' },
      s,
    );
    push(
      'tool_completed',
      {
        toolCallId: `c${s}`,
        toolName: 'add',
        content: String(s),
        isError: false,
        record: {
          toolCallId: `c${s}`,
          toolName: 'add',
          agentPath: 'a',
          attempts: 1,
          replayed: false,
          output: s,
        },
      },
      s,
    );
    push('warning', { code: 'w', message: `step ${s}` });
  }
  push('run_completed', {
    result: { runId: 'r', threadId: 't', state: 'completed', finalText: 'done', usage: {} },
  });
  return out;
}

/** Folds a log while counting the array elements the fold copies (Array.prototype.slice / spread via concat). */
function foldCountingCopies(events: RunEvent[]): { copied: number; spans: number } {
  let copied = 0;
  const slice = Array.prototype.slice;
  const spreadable = Array.prototype[Symbol.iterator];
  Array.prototype.slice = function (this: unknown[], ...args: [number?, number?]) {
    const r = slice.apply(this, args);
    copied += r.length;
    return r;
  };
  Array.prototype[Symbol.iterator] = function (this: unknown[]) {
    copied += this.length;
    return spreadable.call(this);
  };
  try {
    const tl = buildTimeline('r', new Map([['r', events]]), { ...OPTS, captureLlmPayloads: true });
    return { copied, spans: flattenSpans(tl.root).length };
  } finally {
    Array.prototype.slice = slice;
    Array.prototype[Symbol.iterator] = spreadable;
  }
}

describe('the timeline fold', () => {
  it('is linear: 10× the events copy about 10× the array elements (no per-event copy of growing arrays)', () => {
    const small = foldCountingCopies(syntheticLog(10_000));
    const large = foldCountingCopies(syntheticLog(100_000));
    expect(large.spans / small.spans).toBeGreaterThan(9);
    // Quadratic (the transcript copied per model call, warnings re-spread) would be ~100×.
    expect(large.copied / Math.max(1, small.copied)).toBeLessThan(15);
  });

  it('gives the messages each model call saw, though they are sliced only when read', () => {
    const events = syntheticLog(40);
    const tl = buildTimeline('r', new Map([['r', events]]), { ...OPTS, captureLlmPayloads: true });
    const llms = flattenSpans(tl.root).filter((s) => s.kind === 'llm');
    const counts = llms.map((s) => (s.attributes['gen_ai.input.messages'] as unknown[]).length);
    // user, then per step: the assistant's tool call and the tool result.
    expect(counts.slice(0, 3)).toEqual([1, 3, 5]);
    expect(JSON.parse(JSON.stringify(llms[1]?.attributes['gen_ai.input.messages']))).toHaveLength(3);
    const warnings = (tl.root.children[0]?.attributes['afk.warnings'] ?? []) as unknown[];
    expect(warnings).toHaveLength(1);
  });

  it('folds in chunks to the same timeline as one pass, and shows the part folded so far', () => {
    const events = syntheticLog(3_000);
    const whole = buildTimeline('r', new Map([['r', events]]), OPTS);
    const fold = foldTimeline('r', events[0], OPTS);
    fold.push(events, 1, 700);
    const partial = fold.partial();
    expect(partial.eventCount).toBe(700);
    expect(partial.root.children.length).toBeGreaterThan(100);
    expect(partial.root.status).toBe('running');
    for (let i = 700; i < events.length; i += 333) fold.push(events, i, Math.min(events.length, i + 333));
    const chunked = finishTimeline(fold, events[0] as RunEvent, new Map([['r', events]]), OPTS);
    expect(chunked).toEqual(whole);
  });

  it('refuses a log without run_started as log_corrupt', () => {
    expect(() => foldTimeline('r', syntheticLog(10)[1], OPTS)).toThrow(/run_started/);
  });
});
