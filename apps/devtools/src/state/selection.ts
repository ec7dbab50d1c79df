import { create } from 'zustand';

interface SelectionState {
  /** The run shown in the detail panel; undefined means "the newest run". */
  selectedRunId: string | undefined;
  /** The span shown in the inspector. */
  selectedSpanId: string | undefined;
  select(runId: string | undefined): void;
  selectSpan(spanId: string | undefined): void;
}

/** `#/runs/<runId>/span/<spanId>`: the selection lives in the URL, so reload and links restore it. */
function readHash(): { runId?: string; spanId?: string } {
  if (typeof location === 'undefined') return {};
  const m = /^#\/runs\/([^/]+)(?:\/span\/(.+))?$/.exec(location.hash);
  if (!m) return {};
  return {
    ...(m[1] ? { runId: decodeURIComponent(m[1]) } : {}),
    ...(m[2] ? { spanId: decodeURIComponent(m[2]) } : {}),
  };
}

function writeHash(runId: string | undefined, spanId: string | undefined): void {
  if (typeof history === 'undefined') return;
  const hash = runId
    ? `#/runs/${encodeURIComponent(runId)}${spanId ? `/span/${encodeURIComponent(spanId)}` : ''}`
    : '';
  if (location.hash !== hash) history.replaceState(null, '', hash || location.pathname + location.search);
}

const initial = readHash();

export const useSelection = create<SelectionState>()((set, get) => ({
  selectedRunId: initial.runId,
  selectedSpanId: initial.spanId,
  select: (selectedRunId) => {
    set({ selectedRunId, selectedSpanId: undefined });
    writeHash(selectedRunId, undefined);
  },
  selectSpan: (selectedSpanId) => {
    set({ selectedSpanId });
    writeHash(get().selectedRunId, selectedSpanId);
  },
}));

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => {
    const h = readHash();
    useSelection.setState({ selectedRunId: h.runId, selectedSpanId: h.spanId });
  });
}
