import type { AgentResult } from '../events/records.js';
import type { AgentStreamHandle } from './runner-options.js';
import type { AgentStreamEvent, StreamHub } from './stream.js';

/**
 * The primary subscriber exists from the start, so no event is missed however late iteration
 * begins; it is the one whose early exit cancels the run and whose reading paces it. Later
 * iterations and `subscribe()` are extra subscribers: bounded, they never hold the run back.
 */
export function makeHandle(
  runId: string,
  threadId: string,
  hub: StreamHub,
  result: Promise<AgentResult>,
  control: { cancel(reason?: string): void; interrupt(): void },
): AgentStreamHandle {
  let primary: AsyncIterableIterator<AgentStreamEvent> | undefined = hub.subscribe(
    () => control.cancel('stream consumer stopped'),
    { primary: true },
  );
  // A handle used only for its `result` must not surface an unhandled rejection or keep events alive.
  result.catch(() => undefined);
  return {
    runId,
    threadId,
    result,
    cancel: () => control.cancel(),
    interrupt: () => control.interrupt(),
    subscribe: () => hub.subscribe(),
    [Symbol.asyncIterator]: () => {
      const it = primary ?? hub.subscribe();
      primary = undefined;
      return it;
    },
  };
}

/**
 * The handle of a stream that never started (invalid arguments): `result` rejects with `error`,
 * and so does the first `next()` of every iteration; cancel/interrupt do nothing.
 */
export function failedHandle(
  error: unknown,
  opts: { runId?: unknown; threadId?: unknown } | undefined,
): AgentStreamHandle {
  const result = Promise.reject(error);
  result.catch(() => undefined);
  const iterate = (): AsyncIterableIterator<AgentStreamEvent> => {
    let thrown = false;
    const it: AsyncIterableIterator<AgentStreamEvent> = {
      next: () => {
        if (thrown) return Promise.resolve({ value: undefined, done: true });
        thrown = true;
        return Promise.reject(error);
      },
      return: () => {
        thrown = true;
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  };
  const id = (v: unknown) => (typeof v === 'string' ? v : '');
  const o = typeof opts === 'object' && opts !== null ? opts : {};
  return {
    runId: id(o.runId),
    threadId: id(o.threadId),
    result,
    cancel: () => undefined,
    interrupt: () => undefined,
    subscribe: iterate,
    [Symbol.asyncIterator]: iterate,
  };
}
