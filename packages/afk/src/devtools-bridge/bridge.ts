import type { z } from 'zod';
import { shapeRecord } from '../debugger/payload.js';
import { AfkConfigError, AfkError, formatIssues, fromZodIssues } from '../errors/index.js';
import type { RunEvent } from '../events/run-event.js';
import type { MemoryStore, StoreBatch } from '../memory/types.js';
import {
  type DevtoolsBridgeOptions,
  DevtoolsBridgeOptionsSchema,
  type DevtoolsBridgeStats,
} from './bridge-options.js';
import { BridgedStore } from './bridged-store.js';
import type { AcceptDecisionsOptions } from './decision-apply.js';
import { DecisionLink } from './decision-link.js';
import {
  BRIDGE_PATHS,
  BRIDGE_PROTOCOL_VERSION,
  type BridgeIngestMessageInput,
  type BridgeSource,
} from './protocol.js';
import { type BridgeBatch, toBridgeBatch } from './shape.js';

const EVENTS_PER_FILL = 1_000;
const TRACKED_RUNS = 10_000;

/**
 * Streams a Node process's runs to `afk devtools`, which shows them live beside the browser's.
 * Wrap the store a `Runner` writes to (`bridge.wrap(store)`), or feed batches yourself
 * (`bridge.send(batch)`): every write is redacted (values under `redactKeys` replaced, long
 * strings cut, as in a run export), buffered and posted in batches every `flushMs`.
 *
 * The bridge never blocks or fails a run: posts happen off the write path; while the app is
 * unreachable batches wait in a bounded buffer (`maxBufferedBatches`, dropping the oldest and
 * counting them) and posts are retried with backoff; a run whose batches were dropped is filled
 * in from the wrapped store on the next post. Errors go to `onError` (default: one
 * `console.warn` per error code until a post succeeds again), never into the run. `close()`
 * flushes what is buffered (bounded by `timeoutMs`) and tells the app this source ended.
 *
 * Options and defaults: `url` (required, where `afk devtools` listens, e.g.
 * `http://127.0.0.1:4400`), `token` (needed when the server was started with `--token`),
 * `source` (a label, default `node <script> (pid N)`), `redactKeys` the runner's defaults,
 * `maxPayloadChars` `100_000`, `flushMs` `50`, `maxBatchesPerPost` `200`, `maxBufferedBatches`
 * `5000`, `timeoutMs` `5000`, `retryMs` `500` (doubling up to `maxRetryMs` `10_000`), `onError`,
 * `fetch` (the global).
 *
 * @example
 * const bridge = devtoolsBridge({ url: 'http://127.0.0.1:4400', source: 'eval suite' });
 * const runner = new Runner({ store: bridge.wrap(new InMemoryStore()) });
 * await runner.run(agent, { userMessage: 'hi' });
 * await bridge.close();
 */
export function devtoolsBridge(options: DevtoolsBridgeOptions): DevtoolsBridge {
  return new DevtoolsBridge(options);
}

interface Pending {
  batch: BridgeBatch;
}

/** See `devtoolsBridge`. */
export class DevtoolsBridge {
  readonly source: BridgeSource;
  private readonly o: z.output<typeof DevtoolsBridgeOptionsSchema>;
  private readonly endpoint: string;
  private readonly doFetch: typeof fetch;
  private queue: Pending[] = [];
  /** The next seq the app should get per run (to fill in dropped batches from the store). */
  private readonly nextSeq = new Map<string, number>();
  private readonly stores = new Set<MemoryStore>();
  /** The stores `wrap` returned: decisions from the page are written through them (and echoed back). */
  private readonly wrappers = new Set<MemoryStore>();
  private decisions: DecisionLink | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inflight: Promise<void> | undefined;
  private postSeq = 0;
  private failures = 0;
  private closed = false;
  private readonly warned = new Set<string>();
  private readonly counters: DevtoolsBridgeStats = {
    sent: 0,
    buffered: 0,
    dropped: 0,
    refused: 0,
    errors: 0,
    connected: false,
    listening: false,
  };

  constructor(options: DevtoolsBridgeOptions) {
    const parsed = DevtoolsBridgeOptionsSchema.safeParse(options);
    if (!parsed.success) {
      const issues = fromZodIssues(parsed.error.issues);
      throw new AfkConfigError('invalid_config', `Invalid devtoolsBridge options:\n${formatIssues(issues)}`, {
        issues,
      });
    }
    this.o = parsed.data;
    this.endpoint = new URL(BRIDGE_PATHS.ingest, this.o.url).href;
    this.doFetch = this.o.fetch ?? globalThis.fetch.bind(globalThis);
    const proc = (globalThis as { process?: { pid?: number; argv?: string[] } }).process;
    const script = proc?.argv?.[1]?.split(/[\\/]/).pop();
    this.source = {
      id: `node:${proc?.pid ?? 0}:${Math.random().toString(36).slice(2, 10)}`,
      label: this.o.source ?? `node ${script ?? 'process'}${proc?.pid ? ` (pid ${proc.pid})` : ''}`,
    };
  }

  /**
   * A store that writes to `store` and, once each write succeeded, sends the batch here. Reads,
   * leases and `watch` go straight to `store`; `close()` closes `store` (not the bridge).
   */
  wrap(store: MemoryStore): MemoryStore {
    this.stores.add(store);
    const wrapped = new BridgedStore(store, (batch) => this.send(batch, store));
    this.wrappers.add(wrapped);
    return wrapped;
  }

  /**
   * Makes this process take decisions from the devtools page: a decision made in the page on
   * one of this process's approvals reaches it over the server's decision stream (reconnecting
   * with the bridge's backoff), is recorded with `runner.decideApproval` (or the same decision
   * path over the wrapped store: bound to the args hash, refused when stale) and, given a
   * `runner` and `agents`, the run resumes here once nothing of it is pending. Without this
   * call the page is told the process does not take decisions. Keeps the process alive until
   * `close()`. Calling it again replaces the options.
   *
   * @example
   * const bridge = devtoolsBridge({ url: 'http://127.0.0.1:4400' });
   * const runner = new Runner({ store: bridge.wrap(new InMemoryStore()), config: { interactionMode: 'external' } });
   * bridge.acceptDecisions({ runner, agents: { mailer }, onDecision: (o) => console.log(o.kind) });
   */
  acceptDecisions(options: AcceptDecisionsOptions = {}): void {
    if (this.closed) return;
    this.decisions ??= new DecisionLink({
      url: this.o.url,
      sourceId: this.source.id,
      token: this.o.token,
      fetch: this.doFetch,
      retryMs: this.o.retryMs,
      maxRetryMs: this.o.maxRetryMs,
      timeoutMs: this.o.timeoutMs,
      stores: () => this.wrappers,
      report: (e) => this.report(e),
      onListening: () => {
        this.counters.listening = true;
      },
    });
    this.decisions.accept(options);
  }

  /**
   * Queues one written batch (synchronous, never throws). `from` is the store it was written to,
   * used to fill in events of batches that were dropped.
   */
  send(batch: StoreBatch, from?: MemoryStore): void {
    if (this.closed) return;
    try {
      const shaped = toBridgeBatch(batch, this.o);
      if (!shaped) return;
      this.queue.push({ batch: shaped });
      if (from) this.stores.add(from);
      while (this.queue.length > this.o.maxBufferedBatches) {
        this.queue.shift();
        this.counters.dropped++;
      }
      this.schedule(this.o.flushMs);
    } catch (e) {
      this.report(
        new AfkError('bridge_error', `devtools bridge: a batch could not be prepared: ${String(e)}`, {
          cause: e,
        }),
      );
    }
  }

  /** Sends what is buffered now; resolves when the post is done (never rejects). */
  async flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.inflight) await this.inflight;
    if (this.queue.length === 0 && !this.closed) return;
    this.inflight = this.post(false).finally(() => {
      this.inflight = undefined;
    });
    await this.inflight;
  }

  /** Flushes everything buffered (bounded by `timeoutMs` per post) and tells the app this source ended. */
  async close(): Promise<void> {
    if (this.closed) return;
    const decisions = this.decisions;
    this.decisions = undefined;
    this.counters.listening = false;
    await decisions?.stop();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.inflight) await this.inflight;
    const deadline = Date.now() + this.o.timeoutMs;
    while (this.queue.length > 0 && Date.now() < deadline) {
      const before = this.queue.length;
      await this.post(false);
      if (this.queue.length >= before) break; // unreachable: do not spin until the deadline
    }
    this.closed = true;
    await this.post(true);
  }

  stats(): DevtoolsBridgeStats {
    return { ...this.counters, buffered: this.queue.length };
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
    // A bridge must not keep a finished script alive (`close()` sends the tail).
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** One post of up to `maxBatchesPerPost` batches; the outcome is counted, never thrown. */
  private async post(closing: boolean): Promise<void> {
    const take = this.queue.slice(0, this.o.maxBatchesPerPost);
    const batches = await this.fillGaps(take.map((p) => p.batch));
    const message: BridgeIngestMessageInput = {
      v: BRIDGE_PROTOCOL_VERSION,
      source: this.source,
      seq: this.postSeq,
      batches,
      dropped: this.counters.dropped,
      closing,
    };
    let outcome: 'ok' | 'refused' | 'retry';
    try {
      const res = await this.doFetch(this.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.o.token ? { authorization: `Bearer ${this.o.token}` } : {}),
        },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      const text = await res.text().catch(() => '');
      if (res.ok) outcome = 'ok';
      else if (res.status === 400 || res.status === 413 || res.status === 422) {
        outcome = 'refused';
        this.report(
          new AfkError(
            'bridge_refused',
            `devtools bridge: the app refused ${take.length} batch(es) (HTTP ${res.status}): ${errorText(text)}`,
          ),
        );
      } else {
        outcome = 'retry';
        const code = res.status === 401 || res.status === 403 ? 'bridge_refused' : 'bridge_unreachable';
        this.report(
          new AfkError(
            code,
            `devtools bridge: ${this.endpoint} answered HTTP ${res.status}: ${errorText(text)}`,
          ),
        );
      }
    } catch (e) {
      outcome = 'retry';
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      this.report(
        new AfkError(
          'bridge_unreachable',
          `devtools bridge: ${this.endpoint} is unreachable (${cause}); buffering (${this.queue.length} batches)`,
          { cause: e },
        ),
      );
    }
    if (outcome === 'retry') {
      this.counters.errors++;
      this.counters.connected = false;
      this.failures++;
      if (!closing) this.schedule(Math.min(this.o.maxRetryMs, this.o.retryMs * 2 ** (this.failures - 1)));
      return;
    }
    this.postSeq++;
    this.queue.splice(0, take.length);
    for (const b of batches) for (const e of b.events ?? []) this.track(e);
    if (outcome === 'ok') {
      this.counters.sent += take.length;
      if (!this.counters.connected) this.warned.clear();
      this.counters.connected = true;
      this.failures = 0;
    } else this.counters.refused += take.length;
    if (this.queue.length) this.schedule(0);
  }

  private track(e: RunEvent): void {
    this.nextSeq.delete(e.runId);
    this.nextSeq.set(e.runId, e.seq + 1);
    if (this.nextSeq.size > TRACKED_RUNS) {
      const oldest = this.nextSeq.keys().next().value;
      if (oldest !== undefined) this.nextSeq.delete(oldest);
    }
  }

  /**
   * Where batches were dropped (or a run was first seen mid-log, e.g. resumed in this process),
   * a run's next batch starts after the seq the app has: the missing events are read back from
   * the wrapped store (bounded per post) and sent first.
   */
  private async fillGaps(batches: BridgeBatch[]): Promise<BridgeBatch[]> {
    if (this.stores.size === 0) return batches;
    const expected = new Map(this.nextSeq);
    const out: BridgeBatch[] = [];
    for (const b of batches) {
      const first = b.events?.[0];
      const want = first ? (expected.get(first.runId) ?? 0) : 0;
      if (first && first.seq > want) {
        // Read back in chunks; what cannot be filled (compacted away) leaves a gap the app reports.
        for (let from = want; from < first.seq; ) {
          const to = Math.min(first.seq - 1, from + EVENTS_PER_FILL - 1);
          const missing = await this.readBack(first.runId, from, to);
          if (missing.length === 0) break;
          out.push({ events: missing });
          from = (missing.at(-1)?.seq ?? to) + 1;
        }
      }
      for (const e of b.events ?? []) expected.set(e.runId, e.seq + 1);
      out.push(b);
    }
    return out;
  }

  private async readBack(runId: string, fromSeq: number, toSeq: number): Promise<RunEvent[]> {
    for (const store of this.stores) {
      try {
        const events = await store.readEvents(runId, { fromSeq, toSeq });
        if (events.length) return events.map((e) => shapeRecord(e, { ...this.o, includeContent: true }));
      } catch {
        // another store, or nothing to fill in with
      }
    }
    return [];
  }

  private report(error: AfkError): void {
    this.counters.lastError = { code: error.code, message: error.message };
    if (this.o.onError) {
      try {
        this.o.onError(error);
      } catch {
        // a failing handler must not reach the run
      }
      return;
    }
    if (this.warned.has(error.code)) return;
    this.warned.add(error.code);
    console.warn(`afk: ${error.message}`);
  }
}

function errorText(body: string): string {
  try {
    const j = JSON.parse(body) as { error?: { code?: string; message?: string } };
    if (j.error?.message) return `${j.error.code ?? 'error'}: ${j.error.message}`;
  } catch {
    // not JSON
  }
  return body.slice(0, 200) || '(no body)';
}
