import type { ChannelRejectionReport } from 'afk/memory';
import { create } from 'zustand';

/** Where the page stands with the `afk devtools` bridge. */
export type BridgeState = 'off' | 'connecting' | 'connected' | 'error';

/** What `useBridgeStatus()` returns. */
export interface BridgeStatus {
  /** `off`: the page was not served by `afk devtools` (no bridge to connect to). */
  state: BridgeState;
  /** Node sources sending right now (as the server counts them). */
  sources: number;
  /** Bridged batches that arrived and were valid. */
  received: number;
  /** Bridged messages refused (invalid) or not applied (conflicting seq, gap). */
  rejected: number;
  lastError?: string;
  /** Messages ignored on the store's BroadcastChannel (malformed or hostile). */
  channel: ChannelRejectionReport;
}

interface BridgeStore extends BridgeStatus {
  /** runId → the Node source's label, for runs that came over the bridge. */
  runSources: Record<string, string>;
  patch(p: Partial<BridgeStatus>): void;
  count(kind: 'received' | 'rejected', error?: string): void;
  tagRuns(runIds: Iterable<string>, label: string): void;
}

const RUN_SOURCES_KEY = 'afk-devtools:bridge-run-sources';
const MAX_TAGGED_RUNS = 5_000;

function loadRunSources(): Record<string, string> {
  try {
    const raw = globalThis.localStorage?.getItem(RUN_SOURCES_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const out: Record<string, string> = Object.create(null);
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return {};
  }
}

export const useBridgeStore = create<BridgeStore>()((set, get) => ({
  state: 'off',
  sources: 0,
  received: 0,
  rejected: 0,
  channel: { total: 0, byKind: {} },
  runSources: loadRunSources(),
  patch: (p) => set(p),
  count: (kind, error) =>
    set((s) => ({ [kind]: s[kind] + 1, ...(error === undefined ? {} : { lastError: error }) })),
  tagRuns: (runIds, label) => {
    const cur = get().runSources;
    let next: Record<string, string> | undefined;
    for (const id of runIds) {
      if (cur[id] === label) continue;
      next ??= { ...cur };
      next[id] = label;
    }
    if (!next) return;
    const keys = Object.keys(next);
    for (const k of keys.slice(0, Math.max(0, keys.length - MAX_TAGGED_RUNS))) delete next[k];
    set({ runSources: next });
    try {
      globalThis.localStorage?.setItem(RUN_SOURCES_KEY, JSON.stringify(next));
    } catch {
      // storage full or blocked: the label lasts for this page only
    }
  },
}));

/**
 * The bridge's state for the status bar: `{ state, sources, received, rejected, lastError?,
 * channel }`.
 *
 * @example
 * const { state, sources } = useBridgeStatus();
 */
export function useBridgeStatus(): BridgeStatus {
  const state = useBridgeStore((s) => s.state);
  const sources = useBridgeStore((s) => s.sources);
  const received = useBridgeStore((s) => s.received);
  const rejected = useBridgeStore((s) => s.rejected);
  const lastError = useBridgeStore((s) => s.lastError);
  const channel = useBridgeStore((s) => s.channel);
  return { state, sources, received, rejected, channel, ...(lastError === undefined ? {} : { lastError }) };
}

/** The Node source a run came from over the bridge (its label), or undefined for the page's own runs. */
export function useRunSource(runId: string | undefined): string | undefined {
  return useBridgeStore((s) => (runId === undefined ? undefined : s.runSources[runId]));
}
