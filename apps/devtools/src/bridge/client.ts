import {
  applyBridgeBatch,
  BRIDGE_META_NAME,
  BRIDGE_PATHS,
  type BridgeHelloEvent,
  BridgeHelloEventSchema,
  type BridgeSourcesEvent,
  BridgeSourcesEventSchema,
  type BridgeStreamBatch,
  BridgeStreamBatchSchema,
} from 'afk/devtools-bridge';
import type { DexieStore } from 'afk/memory';
import type { z } from 'zod';
import { useBridgeStore } from './status';

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 15_000;
/** Failed connection attempts in a row before the state reads `error` rather than `connecting`. */
const ERROR_AFTER = 3;
/** Largest event the page parses (a hostile or broken server cannot make it parse gigabytes). */
const MAX_EVENT_CHARS = 16 * 1024 * 1024;

/** True when `afk devtools` served this page (it injects `<meta name="afk-bridge">`). */
export function bridgeAvailable(doc: Document = document): boolean {
  return doc.querySelector(`meta[name="${BRIDGE_META_NAME}"]`) !== null;
}

function parse<T>(schema: z.ZodType, raw: string): { ok: true; value: T } | { ok: false; error: string } {
  if (raw.length > MAX_EVENT_CHARS)
    return { ok: false, error: `an event of ${raw.length} chars (over the limit)` };
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'an event that is not JSON' };
  }
  const r = schema.safeParse(data);
  if (r.success) return { ok: true, value: r.data as T };
  const i = r.error.issues[0];
  return {
    ok: false,
    error: `an invalid event (${i ? `${i.path.join('.') || '(root)'}: ${i.message}` : 'schema'})`,
  };
}

/**
 * Connects this page to the `afk devtools` bridge, when it was served by it: listens to the
 * server's event stream, validates every message with zod, writes the bridged runs into
 * `store` idempotently (a replayed batch leaves one copy; a conflicting seq is reported, not
 * applied), and reconnects with backoff, resuming after the last batch it got. Also reports
 * the store's ignored BroadcastChannel messages. Returns a stop function.
 *
 * @example
 * startBridge(store); // main.tsx, once
 */
export function startBridge(store: DexieStore): () => void {
  const status = useBridgeStore.getState();
  const offChannel = store.onChannelRejection(() => status.patch({ channel: store.channelRejections() }));
  status.patch({ channel: store.channelRejections() });
  if (typeof EventSource === 'undefined' || !bridgeAvailable()) {
    status.patch({ state: 'off' });
    return offChannel;
  }
  let es: EventSource | undefined;
  let lastId = -1;
  let failures = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Batches are applied one at a time, in the order the server numbered them.
  let chain: Promise<void> = Promise.resolve();

  const apply = (msg: BridgeStreamBatch) => {
    chain = chain.then(async () => {
      if (msg.id <= lastId) return; // replayed after a reconnect: already applied
      try {
        const r = await applyBridgeBatch(store, msg.batch);
        const runIds = new Set<string>();
        if (msg.batch.run) runIds.add(msg.batch.run.runId);
        for (const e of msg.batch.events ?? []) runIds.add(e.runId);
        useBridgeStore.getState().tagRuns(runIds, msg.source.label);
        if (r.rejected.length) {
          for (const x of r.rejected)
            useBridgeStore.getState().count('rejected', `${msg.source.label}: ${x.message}`);
        } else useBridgeStore.getState().count('received');
      } catch (e) {
        useBridgeStore
          .getState()
          .count('rejected', `${msg.source.label}: ${e instanceof Error ? e.message : String(e)}`);
      }
      lastId = msg.id;
    });
  };

  const connect = () => {
    if (stopped) return;
    useBridgeStore.getState().patch({ state: failures >= ERROR_AFTER ? 'error' : 'connecting' });
    const url = new URL(BRIDGE_PATHS.stream, location.href);
    if (lastId >= 0) url.searchParams.set('lastEventId', String(lastId));
    const source = new EventSource(url.href);
    es = source;
    source.addEventListener('hello', (ev) => {
      const r = parse<BridgeHelloEvent>(BridgeHelloEventSchema, (ev as MessageEvent<string>).data);
      if (!r.ok) return useBridgeStore.getState().count('rejected', `bridge: ${r.error}`);
      // A restarted server numbers from 0 again: forget what the old one numbered.
      if (r.value.lastId < lastId) lastId = -1;
      failures = 0;
      useBridgeStore.getState().patch({ state: 'connected' });
    });
    source.addEventListener('batch', (ev) => {
      const r = parse<BridgeStreamBatch>(BridgeStreamBatchSchema, (ev as MessageEvent<string>).data);
      if (!r.ok) return useBridgeStore.getState().count('rejected', `bridge: ${r.error}`);
      apply(r.value);
    });
    source.addEventListener('sources', (ev) => {
      const r = parse<BridgeSourcesEvent>(BridgeSourcesEventSchema, (ev as MessageEvent<string>).data);
      if (!r.ok) return useBridgeStore.getState().count('rejected', `bridge: ${r.error}`);
      useBridgeStore.getState().patch({ sources: r.value.sources.length });
    });
    source.onerror = () => {
      // Reconnect ourselves, with backoff (EventSource would retry at a fixed pace, forever).
      source.close();
      if (stopped) return;
      failures++;
      useBridgeStore.getState().patch({
        state: failures >= ERROR_AFTER ? 'error' : 'connecting',
        sources: 0,
        lastError: `bridge: the stream closed (attempt ${failures}); reconnecting`,
      });
      const delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** (failures - 1));
      timer = setTimeout(connect, delay * (0.75 + Math.random() * 0.5));
    };
  };
  connect();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    es?.close();
    offChannel();
    useBridgeStore.getState().patch({ state: 'off', sources: 0 });
  };
}
