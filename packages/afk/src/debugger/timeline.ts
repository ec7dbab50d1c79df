import type { RunEvent } from '../events/run-event.js';
import { foldTimeline, type TimelineFold, type TimelineFoldOptions } from './timeline-fold.js';
import { timelineOf } from './timeline-spans.js';
import type { Span, Timeline } from './types.js';

/** The logs a timeline may need: the run's own and, by run id, those of its subagent runs. */
export type RunLogs = ReadonlyMap<string, readonly RunEvent[]>;

/**
 * Builds the span tree of one run from its log, in one pass (O(events)). Pure: the same log gives
 * the same timeline in Node, the browser and tests. Subagent runs found in `logs` are nested
 * under their `subagent` span; a child whose log is missing leaves the span without children.
 *
 * Every span's `endTs` ≥ its `startTs`, and a parent is widened to cover its children (a tool
 * that finished after a crash-and-resume still lies inside its step).
 *
 * @example
 * const tl = buildTimeline(runId, new Map([[runId, await store.readEvents(runId)]]));
 * tl.root.children[0]?.kind; // 'step'
 */
export function buildTimeline(
  runId: string,
  logs: RunLogs,
  opts: TimelineFoldOptions = {
    includeContent: true,
    maxPayloadChars: 100_000,
    redactKeys: [],
  },
): Timeline {
  return buildRun(runId, logs, opts, new Set());
}

function buildRun(runId: string, logs: RunLogs, opts: TimelineFoldOptions, seen: Set<string>): Timeline {
  const events = logs.get(runId);
  const fold = foldTimeline(runId, events?.[0], opts);
  fold.push(events as readonly RunEvent[], 1);
  return finishTimeline(fold, events?.[0] as RunEvent, logs, opts, seen);
}

/**
 * Completes a fold whose whole log was pushed: nests the subagent runs found in `logs` (guarding
 * against a log that names itself or an ancestor), widens parents over their children and sets
 * the root's status and usage. Call it once, after the last `push`.
 */
export function finishTimeline(
  fold: TimelineFold,
  first: RunEvent,
  logs: RunLogs,
  opts: TimelineFoldOptions,
  seen: Set<string> = new Set(),
): Timeline {
  const { root, runId } = fold;
  seen.add(runId);
  for (const s of walk(root)) {
    if (s.kind !== 'subagent') continue;
    const childId = s.attributes['afk.child_run_id'];
    if (typeof childId !== 'string' || seen.has(childId) || !logs.has(childId)) continue;
    const child = buildRun(childId, logs, opts, seen);
    s.children.push(child.root);
  }
  if (root.status === 'running' && fold.state === 'paused') root.status = 'paused';
  widen(root);
  return timelineOf(fold, first, root.status);
}

function* walk(s: Span): Generator<Span> {
  const stack = [s];
  while (stack.length) {
    const cur = stack.pop() as Span;
    yield cur;
    for (const c of cur.children) stack.push(c);
  }
}

/**
 * Makes every parent cover its children: open spans end where their last child ends, and a
 * parent's bounds stretch to include them (clock skew between tabs, work finished after a resume).
 */
function widen(s: Span): void {
  for (const c of s.children) {
    widen(c);
    if (c.startTs < s.startTs) s.startTs = c.startTs;
    if (s.endTs !== undefined) {
      const childEnd = c.endTs ?? c.startTs;
      if (childEnd > s.endTs) s.endTs = childEnd;
    }
  }
}

/** Depth-first list of a timeline's spans (for search and virtualised rendering). */
export function flattenSpans(root: Span): Span[] {
  const out: Span[] = [];
  const stack: Span[] = [root];
  while (stack.length) {
    const s = stack.pop() as Span;
    out.push(s);
    for (let i = s.children.length - 1; i >= 0; i--) stack.push(s.children[i] as Span);
  }
  return out;
}

/** The span with this id, or undefined. */
export function findSpan(root: Span, id: string): Span | undefined {
  for (const s of walk(root)) if (s.id === id) return s;
  return undefined;
}
