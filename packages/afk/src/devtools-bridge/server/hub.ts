import type { ServerResponse } from 'node:http';
import {
  BRIDGE_PROTOCOL_VERSION,
  type BridgeIngestMessage,
  type BridgeSourceInfo,
  type BridgeStreamBatch,
} from '../protocol.js';

/** Limits of the replay buffer and of one page's unsent backlog. */
export interface HubLimits {
  replayBatches: number;
  replayBytes: number;
  /** A page that falls this far behind is disconnected; it reconnects and replays. */
  clientBacklogBytes: number;
  /** A source that has not posted for this long is no longer counted. */
  sourceIdleMs: number;
}

interface Stored {
  id: number;
  frame: string;
}

/**
 * The server's fan-out: ingested batches get ids, go to every connected page as server-sent
 * events, and stay in a bounded replay buffer so a page that connects (or reconnects with
 * `Last-Event-ID`) later still gets the runs it missed. Also tracks the sending sources.
 */
export class BridgeHub {
  private nextId = 0;
  private replay: Stored[] = [];
  private replayBytes = 0;
  private readonly clients = new Set<ServerResponse>();
  private readonly sources = new Map<string, BridgeSourceInfo & { seq: number }>();
  private readonly pruner: ReturnType<typeof setInterval>;
  /** Counters for `stats()`. */
  readonly counters = { batches: 0, duplicates: 0, dropped: 0, evictedClients: 0 };

  constructor(
    private readonly limits: HubLimits,
    private readonly serverName: string,
  ) {
    this.pruner = setInterval(() => this.prune(), Math.min(30_000, limits.sourceIdleMs));
    this.pruner.unref();
  }

  /** Takes one validated ingest message; returns the ids given to its batches (none for a repeat). */
  ingest(msg: BridgeIngestMessage): {
    accepted: number;
    duplicate: boolean;
    firstId?: number;
    lastId?: number;
  } {
    const now = Date.now();
    const known = this.sources.get(msg.source.id);
    if (known && msg.seq <= known.seq) {
      this.counters.duplicates++;
      return { accepted: 0, duplicate: true };
    }
    const firstId = this.nextId;
    for (const batch of msg.batches) {
      const event: BridgeStreamBatch = {
        v: BRIDGE_PROTOCOL_VERSION,
        id: this.nextId++,
        source: msg.source,
        receivedAt: now,
        batch: batch as BridgeStreamBatch['batch'],
      };
      this.publish(event.id, frame('batch', event, event.id));
    }
    this.counters.batches += msg.batches.length;
    const before = this.sourcesKey();
    if (msg.closing) this.sources.delete(msg.source.id);
    else
      this.sources.set(msg.source.id, {
        ...msg.source,
        seq: msg.seq,
        lastSeen: now,
        batches: (known?.batches ?? 0) + msg.batches.length,
        dropped: msg.dropped,
      });
    if (before !== this.sourcesKey() || msg.dropped !== known?.dropped) this.broadcastSources();
    return msg.batches.length
      ? { accepted: msg.batches.length, duplicate: false, firstId, lastId: this.nextId - 1 }
      : { accepted: 0, duplicate: false };
  }

  /** Registers a page's event stream: `hello`, the replay after `lastEventId`, the sources. */
  connect(res: ServerResponse, lastEventId: number): void {
    res.write(`retry: 1000\n\n`);
    res.write(
      frame('hello', { v: BRIDGE_PROTOCOL_VERSION, server: this.serverName, lastId: this.nextId - 1 }),
    );
    for (const s of this.replay) if (s.id > lastEventId) res.write(s.frame);
    res.write(frame('sources', this.sourcesEvent()));
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  /** True while the source posts (until it closes or goes idle). */
  hasSource(id: string): boolean {
    return this.sources.has(id);
  }

  list(): BridgeSourceInfo[] {
    return [...this.sources.values()].map(({ seq: _seq, ...s }) => s);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** A comment line to every page: keeps proxies and idle timeouts from closing the streams. */
  keepAlive(): void {
    for (const c of this.clients) c.write(': keep-alive\n\n');
  }

  close(): void {
    clearInterval(this.pruner);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }

  private publish(id: number, f: string): void {
    this.replay.push({ id, frame: f });
    this.replayBytes += f.length;
    while (
      this.replay.length > this.limits.replayBatches ||
      (this.replayBytes > this.limits.replayBytes && this.replay.length > 1)
    ) {
      const gone = this.replay.shift();
      if (gone) this.replayBytes -= gone.frame.length;
      this.counters.dropped++;
    }
    this.send(f);
  }

  private send(f: string): void {
    for (const c of this.clients) {
      if (c.writableLength > this.limits.clientBacklogBytes) {
        this.counters.evictedClients++;
        this.clients.delete(c);
        c.destroy();
        continue;
      }
      c.write(f);
    }
  }

  private sourcesEvent() {
    return { v: BRIDGE_PROTOCOL_VERSION, sources: this.list() };
  }

  private sourcesKey(): string {
    return [...this.sources.keys()].sort().join('\n');
  }

  private broadcastSources(): void {
    this.send(frame('sources', this.sourcesEvent()));
  }

  private prune(): void {
    const cutoff = Date.now() - this.limits.sourceIdleMs;
    let changed = false;
    for (const [id, s] of this.sources)
      if (s.lastSeen < cutoff) {
        this.sources.delete(id);
        changed = true;
      }
    if (changed) this.broadcastSources();
  }
}

/** One server-sent event: `event:`, optional `id:`, the JSON on one `data:` line. */
function frame(event: string, data: unknown, id?: number): string {
  return `event: ${event}\n${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`;
}
