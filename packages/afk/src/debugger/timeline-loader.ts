import { AfkError, isAfkError } from '../errors/index.js';
import type { RunEvent } from '../events/run-event.js';
import type { MemoryStore, RunRecord } from '../memory/types.js';
import { collectRunTree } from './export.js';
import { buildTimeline, finishTimeline } from './timeline.js';
import { foldTimeline, type TimelineFold, type TimelineFoldOptions } from './timeline-fold.js';
import type { SpanStatus, Timeline } from './types.js';

/** One step of `loadTimeline`: the run's record, its log so far and the timeline of that much. */
export interface TimelineProgress {
  record: RunRecord | undefined;
  /**
   * The root run's events read so far: one array for the whole load, appended to in place as
   * chunks arrive (never copied); complete once `done`.
   */
  events: readonly RunEvent[];
  /** The span tree of `events`; `timeline.loading` says how far while not `done`. */
  timeline: Timeline;
  done: boolean;
}

/** Options of `loadTimeline`. */
export interface LoadTimelineOptions {
  /** Events in the first read (what the first render waits for). Default 1500. */
  firstChunk?: number;
  /** Events per read after the first. Default 5000. */
  chunk?: number;
  /** Longest stretch of folding before giving the page a turn, in ms. Default 8. */
  sliceMs?: number;
  /** Stops the load (the generator returns) at its next turn. */
  signal?: AbortSignal;
}

type Yielder = () => Promise<void>;

/** `scheduler.yield()` where the page has it (continuation keeps its priority), else a macrotask. */
const yieldToPage: Yielder = () => {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof s?.yield === 'function') return s.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
};

const now = (): number => (typeof performance === 'undefined' ? Date.now() : performance.now());

/**
 * Reads a run and folds its timeline progressively: the first `firstChunk` events are read and
 * folded and a partial timeline is yielded at once (the run view renders it), then the rest is
 * read `chunk` events at a time and folded in slices of at most `sliceMs`, so no task holds the
 * page for long, with a partial timeline yielded after every chunk; the last value is the
 * complete timeline (`done: true`), identical to `Debugger.timeline`'s.
 *
 * Rows are read with `validate: 'structural'` (a display read). If the fold trips on a row whose
 * data is malformed, the run is read again with full validation, so the error names the row
 * (`row_corrupt`) exactly as before.
 *
 * @example
 * for await (const p of loadTimeline(store, runId, config)) render(p.timeline, p.done);
 */
export async function* loadTimeline(
  store: MemoryStore,
  runId: string,
  config: TimelineFoldOptions,
  opts: LoadTimelineOptions = {},
): AsyncGenerator<TimelineProgress, void, undefined> {
  const firstChunk = Math.max(1, opts.firstChunk ?? 1500);
  const chunk = Math.max(1, opts.chunk ?? 5000);
  const sliceMs = opts.sliceMs ?? 8;
  const record = await store.getRun(runId);
  const events: RunEvent[] = [];
  let fold: TimelineFold | undefined;
  try {
    for (let limit = firstChunk; ; limit = chunk) {
      if (opts.signal?.aborted) return;
      const fromSeq = events.length ? (events[events.length - 1] as RunEvent).seq + 1 : 0;
      const rows = await store.readEvents(runId, { fromSeq, limit, validate: 'structural' });
      if (!fold && rows.length === 0) break;
      const start = events.length;
      for (const e of rows) events.push(e);
      fold ??= foldTimeline(runId, events[0], config);
      let i = start === 0 ? 1 : start;
      while (i < events.length) {
        const t0 = now();
        do {
          const to = Math.min(events.length, i + 250);
          fold.push(events, i, to);
          i = to;
        } while (i < events.length && now() - t0 < sliceMs);
        if (i < events.length) {
          await yieldToPage();
          if (opts.signal?.aborted) return;
        }
      }
      if (rows.length < limit) break;
      yield { record, events, timeline: partial(fold, record), done: false };
      await yieldToPage();
    }
    if (!fold) {
      if (!record) throw new AfkError('not_found', `no run ${runId} in the store`);
      // A record without events: the same error as the one-shot fold.
      buildTimeline(runId, new Map([[runId, events]]), config);
      return;
    }
    const logs = new Map<string, readonly RunEvent[]>([[runId, events]]);
    await addSubagentLogs(store, events, logs);
    yield { record, events, timeline: finishTimeline(fold, events[0] as RunEvent, logs, config), done: true };
  } catch (e) {
    if (isAfkError(e)) throw e;
    // The fold tripped on a row the structural check let through: name it with a full read.
    const tree = await collectRunTree(store, runId);
    const logs = new Map<string, readonly RunEvent[]>();
    for (const t of tree) if (t.events[0]) logs.set(t.events[0].runId, t.events);
    const full = logs.get(runId) ?? [];
    yield { record, events: full, timeline: buildTimeline(runId, logs, config), done: true };
  }
}

const RECORD_STATUS: Record<RunRecord['status'], SpanStatus> = {
  running: 'running',
  paused: 'paused',
  completed: 'ok',
  failed: 'error',
  degraded: 'error',
  cancelled: 'cancelled',
  interrupted: 'paused',
};

/** The partial timeline with how far the load got (the axis ends at the record's last write). */
function partial(fold: TimelineFold, record: RunRecord | undefined): Timeline {
  const tl = fold.partial();
  const total = record ? Math.max(record.lastSeq + 1, fold.count) : undefined;
  // The run's end is not folded yet: its record says how it stands (a finished run must not
  // look "running" while its log loads).
  const status = record ? RECORD_STATUS[record.status] : undefined;
  return {
    ...tl,
    ...(record ? { state: record.status } : {}),
    ...(status && status !== tl.root.status ? { root: { ...tl.root, status } } : {}),
    loading: {
      loaded: fold.count,
      ...(total === undefined ? {} : { total }),
      ...(record ? { untilTs: record.updatedAt } : {}),
    },
  };
}

/** The logs of the subagent runs the root's log names, recursively (structural reads). */
async function addSubagentLogs(
  store: MemoryStore,
  events: readonly RunEvent[],
  logs: Map<string, readonly RunEvent[]>,
): Promise<void> {
  for (const e of events) {
    if (e.type !== 'subagent_started' || logs.has(e.data.childRunId)) continue;
    for (const t of await collectRunTree(store, e.data.childRunId, { validate: 'structural' })) {
      const first = t.events[0];
      if (first && !logs.has(first.runId)) logs.set(first.runId, t.events);
    }
  }
}
