import { abortReason, raceSignal, throwIfAborted } from '../../internal/abort.js';
import type { LLMResponse, LLMStreamChunk } from '../types.js';

interface SharedCall {
  promise: Promise<LLMResponse>;
  controller: AbortController;
  waiters: number;
}

/**
 * In-flight coalescing: identical concurrent requests (same key) share ONE provider call. The
 * shared call runs on its own AbortController; a caller's abort only detaches that caller, and
 * the shared call is aborted when its last caller has gone. Streams are shared the same way:
 * every subscriber sees every chunk from the start, in order. Only the caller that started the
 * call is charged: the others get `costUsd: 0` (one provider call was paid for).
 *
 * @example
 * const res = await coalescer.chat(key, signal, (shared) => provider.chat(req, { signal: shared }));
 */
export class Coalescer {
  private readonly calls = new Map<string, SharedCall>();
  private readonly streams = new Map<string, StreamBroadcast>();

  /** Number of distinct in-flight calls and streams. */
  get inFlight(): number {
    return this.calls.size + this.streams.size;
  }

  async chat(
    key: string,
    signal: AbortSignal | undefined,
    start: (signal: AbortSignal) => Promise<LLMResponse>,
  ): Promise<LLMResponse> {
    throwIfAborted(signal);
    let call = this.calls.get(key);
    const leader = !call;
    if (!call) {
      const controller = new AbortController();
      const created: SharedCall = { controller, waiters: 0, promise: Promise.resolve(undefined as never) };
      created.promise = start(controller.signal).finally(() => {
        if (this.calls.get(key) === created) this.calls.delete(key);
      });
      // A shared call that every caller left still settles; nobody awaits it any more.
      created.promise.catch(() => undefined);
      this.calls.set(key, created);
      call = created;
    }
    const shared = call;
    shared.waiters++;
    try {
      const res = structuredClone(await raceSignal(shared.promise, signal));
      return leader ? res : { ...res, costUsd: 0 };
    } finally {
      shared.waiters--;
      if (shared.waiters === 0 && signal?.aborted) {
        if (this.calls.get(key) === shared) this.calls.delete(key);
        shared.controller.abort(abortReason(signal));
      }
    }
  }

  stream(
    key: string,
    signal: AbortSignal | undefined,
    start: (signal: AbortSignal) => AsyncIterable<LLMStreamChunk>,
  ): AsyncIterable<LLMStreamChunk> {
    let b = this.streams.get(key);
    const leader = !b;
    if (!b) {
      const created = new StreamBroadcast(start, () => {
        if (this.streams.get(key) === created) this.streams.delete(key);
      });
      this.streams.set(key, created);
      b = created;
    }
    return b.subscribe(signal, leader);
  }
}

/** One source stream pumped eagerly into a buffer that any number of subscribers replay. */
class StreamBroadcast {
  private readonly chunks: LLMStreamChunk[] = [];
  private done = false;
  private failed = false;
  private error: unknown;
  private subscribers = 0;
  private readonly controller = new AbortController();
  private wake: Array<() => void> = [];

  constructor(
    start: (signal: AbortSignal) => AsyncIterable<LLMStreamChunk>,
    private readonly onEnd: () => void,
  ) {
    void this.pump(start);
  }

  private async pump(start: (signal: AbortSignal) => AsyncIterable<LLMStreamChunk>): Promise<void> {
    try {
      for await (const chunk of start(this.controller.signal)) {
        this.chunks.push(chunk);
        this.notify();
      }
    } catch (e) {
      this.failed = true;
      this.error = e;
    } finally {
      this.done = true;
      this.onEnd();
      this.notify();
    }
  }

  private notify(): void {
    const w = this.wake;
    this.wake = [];
    for (const f of w) f();
  }

  async *subscribe(signal: AbortSignal | undefined, leader: boolean): AsyncGenerator<LLMStreamChunk> {
    throwIfAborted(signal);
    this.subscribers++;
    let i = 0;
    try {
      while (true) {
        const next = this.chunks[i];
        if (next !== undefined) {
          i++;
          yield next.type === 'completed' && !leader
            ? { ...next, response: { ...next.response, costUsd: 0 } }
            : next;
          continue;
        }
        if (this.done) {
          if (this.failed) throw this.error;
          return;
        }
        await raceSignal(new Promise<void>((resolve) => this.wake.push(resolve)), signal);
      }
    } finally {
      this.subscribers--;
      if (this.subscribers === 0 && !this.done) {
        this.onEnd();
        this.controller.abort(signal?.aborted ? abortReason(signal) : undefined);
      }
    }
  }
}
