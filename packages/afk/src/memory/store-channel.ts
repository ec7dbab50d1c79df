import { z } from 'zod';
import { StoreChangeSchema } from './rows.js';
import type { StoreChange } from './types.js';

/** Cross-context change pings: `{ v: 1, source, changes }`, validated on arrival. */
const StoreChannelMessageSchema = z.object({
  v: z.literal(1),
  source: z.string(),
  changes: z.array(StoreChangeSchema).max(10_000),
});

/**
 * A `BroadcastChannel` named `afk-store:<db name>` that tells other tabs, workers and store
 * instances on the same database which runs changed. Incoming messages are parsed with zod:
 * anything malformed or hostile is dropped, never thrown. A no-op where `BroadcastChannel` is
 * missing. The payload is small and structured-clone safe; readers fetch the rows themselves.
 */
export class StoreChannel {
  private readonly bc: BroadcastChannel | undefined;
  private readonly source = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

  constructor(dbName: string, onChanges: (changes: StoreChange[]) => void) {
    if (typeof BroadcastChannel === 'undefined') return;
    const bc = new BroadcastChannel(`afk-store:${dbName}`);
    // Node: a listening channel must not keep the process alive.
    (bc as { unref?: () => void }).unref?.();
    bc.onmessage = (ev: MessageEvent) => {
      const r = StoreChannelMessageSchema.safeParse(ev.data);
      if (!r.success || r.data.source === this.source) return;
      try {
        onChanges(r.data.changes);
      } catch {
        // Observers only; a failing listener must not break the channel.
      }
    };
    bc.onmessageerror = () => undefined;
    this.bc = bc;
  }

  post(changes: StoreChange[]): void {
    if (!this.bc || changes.length === 0) return;
    try {
      this.bc.postMessage({ v: 1, source: this.source, changes });
    } catch {
      // A closed channel (store closing concurrently) only loses a ping; rows are durable.
    }
  }

  close(): void {
    this.bc?.close();
  }
}
