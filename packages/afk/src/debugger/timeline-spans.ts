import type { UsageAggregate } from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import type { JSONValue } from '../internal/json.js';
import type { Span, SpanStatus, Timeline } from './types.js';

/** A run's end state as its span's status. */
export const RUN_STATUS: Record<string, SpanStatus> = {
  completed: 'ok',
  failed: 'error',
  degraded: 'error',
  cancelled: 'cancelled',
  interrupted: 'paused',
};

/** What `timelineOf` reads of a fold (a `TimelineFold` is one). */
export interface FoldedRun {
  readonly runId: string;
  readonly root: Span;
  readonly usage: UsageAggregate;
  readonly state: Timeline['state'];
  readonly lastSeq: number;
}

/** The `Timeline` record over a fold's root (root status as given, usage attributes set). */
export function timelineOf(fold: FoldedRun, first: RunEvent, status: SpanStatus): Timeline {
  const { root, usage } = fold;
  root.attributes['gen_ai.usage.input_tokens'] = usage.inputTokens;
  root.attributes['gen_ai.usage.output_tokens'] = usage.outputTokens;
  root.attributes['afk.usage.total_tokens'] = usage.totalTokens;
  root.attributes.costUsd = usage.costUsd;
  const partial = status !== root.status;
  return {
    runId: fold.runId,
    threadId: first.threadId,
    agentName: (first.data as { agentName: string }).agentName,
    state: fold.state,
    startTs: root.startTs,
    ...(root.endTs === undefined ? {} : { endTs: root.endTs }),
    usage,
    eventCount: fold.lastSeq - first.seq + 1,
    root: partial ? { ...root, status } : root,
  };
}

/**
 * Puts the transcript as it is now on an llm span, without copying it per model call (that made
 * the fold quadratic in long runs): the transcript only ever grows, so its first `n` messages are
 * what the call saw. They are sliced out the first time the attribute is read, then kept.
 */
export function messagesSoFar(attributes: Record<string, JSONValue>, transcript: JSONValue[]): void {
  const n = transcript.length;
  const key = 'gen_ai.input.messages';
  const settle = (value: JSONValue): void => {
    Object.defineProperty(attributes, key, { value, enumerable: true, configurable: true, writable: true });
  };
  Object.defineProperty(attributes, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = transcript.slice(0, n);
      settle(value);
      return value;
    },
    set: settle,
  });
}

/** Appends to an array attribute in place (the fold owns it; no copy per event). */
export function appendTo(attributes: Record<string, JSONValue>, key: string, item: JSONValue): void {
  const list = attributes[key];
  if (Array.isArray(list)) list.push(item);
  else attributes[key] = [item];
}

/** A span opened by event `e` (id `<runId>:<kind>:<seq>`), no children yet. */
export function span(
  kind: Span['kind'],
  name: string,
  runId: string,
  agentPath: string,
  e: RunEvent,
  status: SpanStatus,
  attributes: Record<string, JSONValue>,
): Span {
  return {
    id: `${runId}:${kind}:${e.seq}`,
    kind,
    name,
    runId,
    agentPath,
    startTs: e.ts,
    status,
    fromSeq: e.seq,
    attributes,
    children: [],
  };
}
