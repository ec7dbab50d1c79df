import { AfkLLMError } from '../../errors/index.js';
import { abortReason, linkSignals, raceSignal } from '../../internal/abort.js';
import type { LLMStreamChunk } from '../types.js';

/** Per-attempt time limits; see `LLMBuilder.timeout` for the defaults. */
export interface TimeoutPolicy {
  /** A chat attempt, or a stream until its first chunk, must finish within this. */
  requestMs: number;
  /** A stream that sends nothing for this long is aborted (retryable `llm_stream_idle`). */
  streamIdleMs: number;
}

/** A timer that aborts `controller` with a lazily built error; `clear` is idempotent. */
class Deadline {
  private timer: ReturnType<typeof setTimeout> | undefined;
  fired: AfkLLMError | undefined;
  constructor(private readonly controller: AbortController) {}
  arm(ms: number, make: () => AfkLLMError): void {
    this.clear();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fired = make();
      this.controller.abort(this.fired);
    }, ms);
  }
  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

const timeoutError = (label: string, ms: number) =>
  new AfkLLMError('timeout', `${label} did not answer within ${ms} ms`, { retryable: true });

/**
 * Runs one chat attempt under `requestMs`. On timeout the attempt's signal aborts and a
 * retryable `timeout` error is thrown; a caller abort rethrows the caller's reason. The timer
 * and listeners are always cleared.
 */
export async function withDeadline<T>(
  label: string,
  ms: number,
  signal: AbortSignal | undefined,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const link = linkSignals(signal);
  const deadline = new Deadline(link.controller);
  deadline.arm(ms, () => timeoutError(label, ms));
  try {
    return await raceSignal(run(link.signal), link.signal);
  } catch (e) {
    if (signal?.aborted) throw abortReason(signal);
    throw deadline.fired ?? e;
  } finally {
    deadline.clear();
    link.dispose();
  }
}

/**
 * Iterates one stream attempt: the first chunk must come within `requestMs`, each next one
 * within `streamIdleMs` (the clock is paused while the consumer holds a chunk). A deadline
 * aborts the provider call and throws a retryable error; leaving early (break, abort) aborts
 * the provider call too, so the server sees the connection close. No timer outlives the loop.
 */
export async function* guardStream(
  label: string,
  policy: TimeoutPolicy,
  signal: AbortSignal | undefined,
  open: (signal: AbortSignal) => AsyncIterable<LLMStreamChunk>,
): AsyncGenerator<LLMStreamChunk> {
  const link = linkSignals(signal);
  const deadline = new Deadline(link.controller);
  let finished = false;
  deadline.arm(policy.requestMs, () => timeoutError(label, policy.requestMs));
  const it = open(link.signal)[Symbol.asyncIterator]();
  try {
    while (true) {
      let r: IteratorResult<LLMStreamChunk>;
      try {
        r = await raceSignal(it.next(), link.signal);
      } catch (e) {
        if (signal?.aborted) throw abortReason(signal);
        throw deadline.fired ?? e;
      }
      if (r.done) {
        finished = true;
        return;
      }
      deadline.clear();
      yield r.value;
      deadline.arm(
        policy.streamIdleMs,
        () =>
          new AfkLLMError('llm_stream_idle', `${label} stream sent nothing for ${policy.streamIdleMs} ms`, {
            retryable: true,
          }),
      );
    }
  } finally {
    deadline.clear();
    if (!finished) {
      if (!link.signal.aborted) link.controller.abort(signal?.aborted ? signal.reason : undefined);
      // Let the provider's iterator clean up (close the response body); do not wait for it.
      void it.return?.()?.catch(() => undefined);
    }
    link.dispose();
  }
}
