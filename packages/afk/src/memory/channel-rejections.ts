import type { ChannelRejection, ChannelRejectionKind, ChannelRejectionReport } from './store-channel.js';

/**
 * What a store's channel ignored: counts per kind, the last one, listeners, and one
 * `console.warn` per kind (a flood of hostile messages costs one line, not a flood of lines).
 */
export class ChannelRejectionLog {
  private total = 0;
  private readonly byKind: Partial<Record<ChannelRejectionKind, number>> = {};
  private last: ChannelRejection | undefined;
  private readonly warned = new Set<ChannelRejectionKind>();
  private readonly listeners = new Set<(r: ChannelRejection) => void>();

  add(r: ChannelRejection): void {
    this.total++;
    this.byKind[r.kind] = (this.byKind[r.kind] ?? 0) + 1;
    this.last = r;
    if (!this.warned.has(r.kind)) {
      this.warned.add(r.kind);
      console.warn(
        `afk: ignored a ${r.kind} message on ${r.channel} (${r.message}); further ones are counted, not logged`,
      );
    }
    for (const l of [...this.listeners]) {
      try {
        l(r);
      } catch {
        // a failing listener must not break the channel
      }
    }
  }

  report(): ChannelRejectionReport {
    return { total: this.total, byKind: { ...this.byKind }, ...(this.last ? { last: this.last } : {}) };
  }

  subscribe(listener: (r: ChannelRejection) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clear(): void {
    this.listeners.clear();
  }
}
