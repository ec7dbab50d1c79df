import { z } from 'zod';
import { StoreChangeSchema } from './rows.js';
import type { StoreChange } from './types.js';

/** Cross-context change pings: `{ v: 1, source, changes }`, validated on arrival. */
const StoreChannelMessageSchema = z.object({
  v: z.literal(1),
  source: z.string().max(200),
  changes: z.array(StoreChangeSchema.extend({ runId: z.string().min(1).max(1_000) })).max(10_000),
});

/**
 * Why a message on a store's channel was ignored: `not_an_object`, `prototype_key` (a
 * `__proto__`/`constructor`/`prototype` key anywhere in it), `unknown_version` (`v` is not 1:
 * another protocol, or a command this build does not know), `unknown_kind` (a change of a kind
 * this build does not know), `oversized` (too many changes or too long strings), `invalid`
 * (anything else the schema refuses), `unreadable` (the message could not be deserialised).
 */
export type ChannelRejectionKind =
  | 'not_an_object'
  | 'prototype_key'
  | 'unknown_version'
  | 'unknown_kind'
  | 'oversized'
  | 'invalid'
  | 'unreadable';

/** One ignored message, as reported by `DexieStore.onChannelRejection`. */
export interface ChannelRejection {
  kind: ChannelRejectionKind;
  /** The channel's name (`afk-store:<db name>`). */
  channel: string;
  /** A short description (never the message itself: it may be huge or hostile). */
  message: string;
  at: number;
}

/** Counts of ignored messages (`DexieStore.channelRejections()`). */
export interface ChannelRejectionReport {
  total: number;
  byKind: Partial<Record<ChannelRejectionKind, number>>;
  last?: ChannelRejection;
}

const PROTO_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** True when a key that could pollute prototypes appears anywhere (bounded walk). */
function hasPrototypeKey(v: unknown): boolean {
  const stack: unknown[] = [v];
  let budget = 50_000;
  while (stack.length && budget-- > 0) {
    const x = stack.pop();
    if (x === null || typeof x !== 'object') continue;
    for (const k of Object.keys(x)) {
      if (PROTO_KEYS.has(k)) return true;
      stack.push((x as Record<string, unknown>)[k]);
    }
  }
  return false;
}

/** Sorts a refused message into a rejection kind. */
export function classifyChannelMessage(
  data: unknown,
  issues: ReadonlyArray<z.core.$ZodIssue>,
): ChannelRejectionKind {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'not_an_object';
  if (hasPrototypeKey(data)) return 'prototype_key';
  if ((data as { v?: unknown }).v !== 1) return 'unknown_version';
  if (issues.some((i) => i.code === 'too_big')) return 'oversized';
  if (issues.some((i) => i.code === 'invalid_value' && i.path.at(-1) === 'kind')) return 'unknown_kind';
  return 'invalid';
}

/**
 * A `BroadcastChannel` named `afk-store:<db name>` that tells other tabs, workers and store
 * instances on the same database which runs changed. Incoming messages are parsed with zod:
 * anything malformed or hostile is dropped, never thrown, and reported to `onReject` (the store
 * counts them and warns once per kind). A no-op where `BroadcastChannel` is missing. The payload
 * is small and structured-clone safe; readers fetch the rows themselves.
 */
export class StoreChannel {
  private readonly bc: BroadcastChannel | undefined;
  private readonly source = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

  constructor(
    dbName: string,
    onChanges: (changes: StoreChange[]) => void,
    onReject: (rejection: ChannelRejection) => void = () => undefined,
  ) {
    if (typeof BroadcastChannel === 'undefined') return;
    const channel = `afk-store:${dbName}`;
    const bc = new BroadcastChannel(channel);
    // Node: a listening channel must not keep the process alive.
    (bc as { unref?: () => void }).unref?.();
    const reject = (kind: ChannelRejectionKind, message: string) => {
      try {
        onReject({ kind, channel, message, at: Date.now() });
      } catch {
        // reporting is best effort
      }
    };
    bc.onmessage = (ev: MessageEvent) => {
      const data: unknown = ev.data;
      const r = StoreChannelMessageSchema.safeParse(data);
      if (!r.success) {
        const kind = classifyChannelMessage(data, r.error.issues);
        const first = r.error.issues[0];
        reject(kind, first ? `${first.path.join('.') || '(root)'}: ${first.message}`.slice(0, 200) : kind);
        return;
      }
      if (hasPrototypeKey(data)) {
        reject('prototype_key', 'a __proto__/constructor/prototype key');
        return;
      }
      if (r.data.source === this.source) return;
      try {
        onChanges(r.data.changes);
      } catch {
        // Observers only; a failing listener must not break the channel.
      }
    };
    bc.onmessageerror = () => reject('unreadable', 'the message could not be deserialised');
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
