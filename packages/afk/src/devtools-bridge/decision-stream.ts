import { AfkError } from '../errors/index.js';
import {
  BRIDGE_DECISION_PATHS,
  type BridgeDecisionEvent,
  BridgeDecisionEventSchema,
} from './decision-protocol.js';

/** Largest decision event a Node source parses (the server refuses bodies over 256 KiB). */
const MAX_EVENT_CHARS = 1024 * 1024;

/** How a Node source reaches the devtools server: where, as whom, and its reconnect backoff. */
export interface BridgeConnection {
  url: string;
  sourceId: string;
  token: string | undefined;
  fetch: typeof fetch;
  retryMs: number;
  maxRetryMs: number;
}

export interface DecisionStreamOptions extends BridgeConnection {
  /** Called for each valid decision, one at a time, in the server's order. */
  onDecision: (event: BridgeDecisionEvent) => Promise<void>;
  report: (error: AfkError) => void;
  /** Called whenever the stream is (re)connected (after its `hello`). */
  onConnected?: () => void;
}

/**
 * A Node source's end of the decision stream (`GET /__afk/bridge/decisions?source=<id>`,
 * server-sent events): reads it with `fetch`, validates every `decision` event with zod (a
 * server is not trusted more than the network), hands them on one at a time, and reconnects
 * with bounded exponential backoff (`retryMs` doubling up to `maxRetryMs`), resuming after the
 * last decision it got. Keeps the process alive while it runs: `stop()` ends it.
 */
export class DecisionStream {
  private stopped = false;
  private lastId = -1;
  private failures = 0;
  private abort: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | undefined;
  /** Resolves when the loop ended (after `stop()`). */
  readonly done: Promise<void>;

  constructor(private readonly o: DecisionStreamOptions) {
    this.done = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.wake?.();
    await this.done;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.connectOnce();
      } catch (e) {
        if (this.stopped) break;
        const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
        this.o.report(
          e instanceof AfkError
            ? e
            : new AfkError('bridge_unreachable', `devtools bridge: the decision stream failed (${cause})`, {
                cause: e,
              }),
        );
      }
      if (this.stopped) break;
      this.failures++;
      const delay = Math.min(this.o.maxRetryMs, this.o.retryMs * 2 ** (this.failures - 1));
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, delay * (0.75 + Math.random() * 0.5));
      });
    }
  }

  private async connectOnce(): Promise<void> {
    const url = new URL(BRIDGE_DECISION_PATHS.decisions, this.o.url);
    url.searchParams.set('source', this.o.sourceId);
    if (this.lastId >= 0) url.searchParams.set('lastEventId', String(this.lastId));
    this.abort = new AbortController();
    const res = await this.o.fetch(url.href, {
      headers: {
        accept: 'text/event-stream',
        ...(this.o.token ? { authorization: `Bearer ${this.o.token}` } : {}),
      },
      signal: this.abort.signal,
    });
    if (!res.ok || !res.body) {
      const text = await res.text().catch(() => '');
      throw new AfkError(
        res.status === 401 || res.status === 403 ? 'bridge_refused' : 'bridge_unreachable',
        `devtools bridge: the decision stream answered HTTP ${res.status}: ${text.slice(0, 200) || '(no body)'}`,
      );
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += value;
        if (buf.length > MAX_EVENT_CHARS * 2)
          throw new AfkError('bridge_error', 'devtools bridge: a decision event over the size limit');
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          await this.onBlock(block);
        }
      }
    } finally {
      reader.releaseLock();
    }
  }

  private async onBlock(block: string): Promise<void> {
    let event = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data = line.slice(6);
    }
    if (event === 'hello') {
      // A restarted server numbers from 0 again: forget what the old one numbered.
      const lastId = (() => {
        try {
          return (JSON.parse(data) as { lastId?: unknown }).lastId;
        } catch {
          return undefined;
        }
      })();
      if (typeof lastId === 'number' && lastId < this.lastId) this.lastId = -1;
      this.failures = 0;
      this.o.onConnected?.();
      return;
    }
    if (event !== 'decision') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      this.o.report(
        new AfkError('bridge_error', 'devtools bridge: a decision event that is not JSON; ignored'),
      );
      return;
    }
    const r = BridgeDecisionEventSchema.safeParse(parsed);
    if (!r.success) {
      const i = r.error.issues[0];
      this.o.report(
        new AfkError(
          'bridge_error',
          `devtools bridge: an invalid decision event (${i ? `${i.path.join('.') || '(root)'}: ${i.message}` : 'schema'}); ignored`,
        ),
      );
      return;
    }
    const ev = r.data as BridgeDecisionEvent;
    if (ev.id <= this.lastId) return; // replayed after a reconnect
    this.lastId = ev.id;
    await this.o.onDecision(ev);
  }
}
