import type { RunEvent } from 'afk/core';
import { Debugger, type Timeline } from 'afk/debugger';
import type { RunRecord } from 'afk/memory';
import { useEffect, useMemo, useState } from 'react';
import { useAfk } from './context.js';
import type { QueryState } from './use-store-query.js';

export interface RunData {
  record: RunRecord | undefined;
  /**
   * The run's own events (its subagent runs' are in their spans). One array per load, shared by
   * every render and never copied; while `timeline.loading` is set it is still being appended to.
   */
  events: readonly RunEvent[];
  /** The span tree; partial (with `loading: { loaded, total }`) until the whole log is folded. */
  timeline: Timeline;
}

/**
 * When a partial timeline is handed to React while a long run loads: once it holds half again as
 * many events as the one on screen (so the renders of a 100,000-event run add up to a few renders
 * of the whole, not hundreds), or a second after the last one (the progress stays live), and never
 * sooner than 150 ms after it.
 */
const PARTIAL_MIN_MS = 150;
const PARTIAL_MAX_MS = 1000;
const PARTIAL_GROWTH = 1.5;

/**
 * One run, live: its record, its events and its timeline (span tree, subagent runs nested),
 * re-read whenever the store reports a change for it.
 *
 * A long run renders progressively: the first chunk of its log is read and folded and returned
 * at once (`timeline.loading` says how far), the rest is folded in short slices off the critical
 * path, with a new partial timeline now and then (see `PARTIAL_GROWTH`), until the complete one. A re-read after
 * a change keeps the complete timeline on screen until the new one is complete; changes that
 * arrive during a read are coalesced into one more read.
 *
 * @example
 * const run = useRun(runId);
 * if (run.status === 'ok' && run.data) console.log(run.data.events.length, run.data.timeline.loading);
 */
export function useRun(runId: string | undefined): QueryState<RunData | undefined> {
  const { store } = useAfk();
  const dbg = useMemo(() => new Debugger({ store }), [store]);
  const key = `run:${runId ?? '-'}`;
  const [value, setValue] = useState<{ key: string; state: QueryState<RunData | undefined> }>();

  useEffect(() => {
    if (!runId) {
      setValue({ key, state: { status: 'ok', data: undefined } });
      return;
    }
    let live = true;
    let complete = false;
    let reading = false;
    let again = false;
    const controller = new AbortController();
    const read = async (): Promise<void> => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          let shownAt = Number.NEGATIVE_INFINITY;
          let shownEvents = 0;
          for await (const p of dbg.loadTimeline(runId, { signal: controller.signal })) {
            if (!live) return;
            const t = performance.now();
            // Partial timelines only until the first complete one (a refresh swaps in whole).
            if (!p.done) {
              if (complete || t - shownAt < PARTIAL_MIN_MS) continue;
              const grown = p.events.length >= shownEvents * PARTIAL_GROWTH;
              if (!grown && t - shownAt < PARTIAL_MAX_MS) continue;
            }
            shownAt = t;
            shownEvents = p.events.length;
            if (p.done) complete = true;
            setValue({
              key,
              state: { status: 'ok', data: { record: p.record, events: p.events, timeline: p.timeline } },
            });
          }
        } while (again && live);
      } catch (error) {
        if (live)
          setValue({
            key,
            state: { status: 'error', error: error instanceof Error ? error : new Error(String(error)) },
          });
      } finally {
        reading = false;
      }
    };
    const unwatch = store.watch(runId, () => void read());
    void read();
    return () => {
      live = false;
      controller.abort();
      unwatch();
    };
  }, [key, runId, store, dbg]);

  return value?.key === key ? value.state : { status: 'loading' };
}
