import type { AgentResult } from '../events/records.js';
import type { AgentStreamHandle } from './runner-options.js';
import type { AgentStreamEvent, StreamHub } from './stream.js';

/**
 * The primary subscriber exists from the start, so no event is missed however late iteration
 * begins; it is the one whose early exit cancels the run. Later iterations are extra subscribers.
 */
export function makeHandle(
  runId: string,
  threadId: string,
  hub: StreamHub,
  result: Promise<AgentResult>,
  control: { cancel(reason?: string): void; interrupt(): void },
): AgentStreamHandle {
  let primary: AsyncIterableIterator<AgentStreamEvent> | undefined = hub.subscribe(() =>
    control.cancel('stream consumer stopped'),
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
