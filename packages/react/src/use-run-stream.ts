import type { AgentResult, AgentStreamEvent, AgentStreamHandle } from 'afk/core';
import { useEffect, useState } from 'react';

/** What `useRunStream` reports about a live handle. */
export interface RunStreamState {
  /** `idle` without a handle; `running` until `completed`; then `done` (or `error` if it threw). */
  status: 'idle' | 'running' | 'done' | 'error';
  runId: string | undefined;
  /** Every event seen so far, in order. */
  events: AgentStreamEvent[];
  /** The streamed answer so far (the `text_delta`s joined). */
  text: string;
  result: AgentResult | undefined;
  error: Error | undefined;
}

const IDLE: RunStreamState = {
  status: 'idle',
  runId: undefined,
  events: [],
  text: '',
  result: undefined,
  error: undefined,
};

/**
 * Watches a `runStream` / `resumeStream` handle live through its own subscriber
 * (`handle.subscribe()`: bounded, never slows the run, never consumes the handle for the caller).
 * Events arriving in a burst are applied in one render per frame.
 *
 * @example
 * const [handle] = useState(() => runner.runStream(agent, { userMessage: 'Add 2 and 3' }));
 * const live = useRunStream(handle);
 * return <p>{live.status}: {live.text}</p>;
 */
export function useRunStream(
  handle: Pick<AgentStreamHandle, 'runId' | 'subscribe' | 'result'> | undefined,
): RunStreamState {
  const [state, setState] = useState<RunStreamState>(IDLE);
  useEffect(() => {
    if (!handle) {
      setState(IDLE);
      return;
    }
    let live = true;
    let pending: AgentStreamEvent[] = [];
    let scheduled = false;
    const flush = () => {
      scheduled = false;
      if (!live || !pending.length) return;
      const batch = pending;
      pending = [];
      setState((s) => ({
        ...s,
        events: [...s.events, ...batch],
        text: s.text + batch.map((e) => (e.type === 'text_delta' ? (e.textDelta ?? '') : '')).join(''),
      }));
    };
    const schedule = () => {
      if (scheduled) return;
      scheduled = true;
      if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
      else setTimeout(flush, 16);
    };
    setState({ ...IDLE, status: 'running', runId: handle.runId });
    const it = handle.subscribe();
    void (async () => {
      for (;;) {
        const next = await it.next();
        if (next.done || !live) break;
        pending.push(next.value);
        schedule();
      }
    })();
    handle.result.then(
      (result) => {
        flush();
        if (live) setState((s) => ({ ...s, status: 'done', result }));
      },
      (error: unknown) => {
        flush();
        if (live)
          setState((s) => ({
            ...s,
            status: 'error',
            error: error instanceof Error ? error : new Error(String(error)),
          }));
      },
    );
    return () => {
      live = false;
      void it.return?.();
    };
  }, [handle]);
  return state;
}
