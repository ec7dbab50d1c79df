/// <reference path="./inline-css.d.ts" />
import type { Runner } from 'afk/core';
import { findSpan, type SpanStatus } from 'afk/debugger';
import type { MemoryStore, RunRecord } from 'afk/memory';
import { lazy, type PointerEvent, type ReactNode, Suspense, useState } from 'react';
import { AfkProvider, useAfk as useAfkStore } from '../context.js';
import { formatDuration, STATUS_GLYPH } from '../format.js';
import { RunTimeline } from '../RunTimeline.js';
import { SpanInspector } from '../SpanInspector.js';
import componentCss from '../styles.css?inline';
import { useRun } from '../use-run.js';
import { useStoreQuery } from '../use-store-query.js';
import { readHeight, writeHeight } from './open-state.js';
import { PanelKeyList } from './PanelKeyList.js';
import type { DevtoolsAgents } from './panel-agents.js';
import { PANEL_CSS } from './panel-css.js';
import { usePanelKeys } from './panel-keys.js';
import { PANEL_TABS_CSS } from './panel-tabs-css.js';

export interface DevtoolsPanelProps {
  open: boolean;
  edge: 'top' | 'bottom';
  store: MemoryStore | undefined;
  runner: Runner | undefined;
  agents: DevtoolsAgents | undefined;
  onClose: () => void;
}

/** The Approvals tab (the inbox, its args form and edit validator): fetched when first shown. */
const PanelInbox = lazy(() => import('./PanelInbox.js'));

/** The panel's tabs. */
type PanelTab = 'runs' | 'approvals';

/** How many runs the compact list shows (newest first). */
const RUN_LIMIT = 200;

/**
 * The drawer inside `<AfkDevtools />`, in two tabs: Runs (the store's runs, newest first, and
 * the selected run's timeline and span inspector) and Approvals (the inbox, with the live
 * pending count on its tab). Kept mounted (hidden) once opened, so closing and reopening keeps
 * the tab and the selection.
 */
export default function DevtoolsPanel({ open, edge, store, runner, agents, onClose }: DevtoolsPanelProps) {
  const [drawer, setDrawer] = useState<HTMLElement | null>(null);
  const [height, setHeight] = useState(() => readHeight(Math.round(window.innerHeight * 0.45)));

  const onResizeStart = (e: PointerEvent<HTMLDivElement>) => {
    const el = e.currentTarget;
    el.setPointerCapture(e.pointerId);
    const startY = e.clientY;
    const startH = height;
    let next = startH;
    const move = (m: globalThis.PointerEvent) => {
      const dy = m.clientY - startY;
      next = Math.max(160, Math.min(window.innerHeight - 40, startH + (edge === 'bottom' ? -dy : dy)));
      setHeight(next);
    };
    const up = () => {
      el.removeEventListener('pointermove', move);
      writeHeight(next);
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('lostpointercapture', up, { once: true });
  };

  return (
    <>
      <style>{componentCss + PANEL_CSS + PANEL_TABS_CSS}</style>
      <section
        ref={setDrawer}
        // A click anywhere in the panel focuses it, so its keys are heard (never the host's).
        tabIndex={-1}
        className={`afk-dt-drawer is-${edge}`}
        hidden={!open}
        style={{ height }}
        aria-label="AFK devtools"
        data-testid="afk-devtools-panel"
      >
        <div className="afk-dt-resize" aria-hidden="true" onPointerDown={onResizeStart} />
        {store ? (
          <AfkProvider store={store} {...(runner ? { runner } : {})}>
            <PanelBody onClose={onClose} agents={agents} drawer={drawer} />
          </AfkProvider>
        ) : (
          <>
            <PanelHead onClose={onClose} />
            <p className="afk-empty" data-testid="afk-devtools-no-store">
              No store: pass <code>store</code> to &lt;AfkDevtools /&gt; or mount it inside an
              &lt;AfkProvider&gt;.
            </p>
          </>
        )}
      </section>
    </>
  );
}

function PanelHead({
  onClose,
  children,
  onKeys,
}: {
  onClose: () => void;
  children?: ReactNode;
  onKeys?: () => void;
}) {
  return (
    <header className="afk-dt-head">
      <span className="afk-dt-title">AFK devtools</span>
      {children}
      <span className="afk-dt-spacer" />
      {onKeys && (
        <button
          type="button"
          className="afk-dt-icon"
          aria-label="Keyboard shortcuts (?)"
          title="Keyboard shortcuts (?)"
          data-testid="afk-devtools-keys-button"
          onClick={onKeys}
        >
          ?
        </button>
      )}
      <button type="button" className="afk-dt-icon" aria-label="Close AFK devtools" onClick={onClose}>
        ✕
      </button>
    </header>
  );
}

function PanelTabs({
  tab,
  onTab,
  runCount,
  pending,
}: {
  tab: PanelTab;
  onTab: (t: PanelTab) => void;
  runCount: number | undefined;
  pending: number | undefined;
}) {
  return (
    <div className="afk-dt-tabs" role="tablist" aria-label="AFK devtools views">
      <button
        type="button"
        role="tab"
        id="afk-dt-tab-runs"
        aria-selected={tab === 'runs'}
        aria-controls="afk-dt-view"
        data-testid="afk-devtools-tab-runs"
        onClick={() => onTab('runs')}
      >
        Runs {runCount !== undefined && <span className="afk-dt-count">{runCount}</span>}
      </button>
      <button
        type="button"
        role="tab"
        id="afk-dt-tab-approvals"
        aria-selected={tab === 'approvals'}
        aria-controls="afk-dt-view"
        data-testid="afk-devtools-tab-approvals"
        onClick={() => onTab('approvals')}
      >
        Approvals{' '}
        {pending !== undefined && (
          <span
            className={`afk-dt-count${pending > 0 ? ' is-pending' : ''}`}
            data-testid="afk-devtools-approvals"
            title={`${pending} pending ${pending === 1 ? 'approval' : 'approvals'}`}
          >
            {pending}
            <span className="afk-dt-sr"> pending</span>
          </span>
        )}
      </button>
    </div>
  );
}

function PanelBody({
  onClose,
  agents,
  drawer,
}: {
  onClose: () => void;
  agents: DevtoolsAgents | undefined;
  drawer: HTMLElement | null;
}) {
  const [tab, setTab] = useState<PanelTab>('runs');
  const [showKeys, setShowKeys] = useState(false);
  const [runId, setRunId] = useState<string>();
  const [spanId, setSpanId] = useState<string>();
  const runs = useRunsQuery();
  const pending = usePendingApprovals();
  const list = runs.status === 'ok' ? runs.data : [];
  const current = runId ?? list[0]?.runId;
  usePanelKeys(drawer, {
    tab: (t) => {
      setTab(t);
      // The view under the focus goes away: keep the focus (and the keys) in the panel.
      requestAnimationFrame(() => drawer?.querySelector<HTMLElement>(`#afk-dt-tab-${t}`)?.focus());
    },
    toggleKeys: () => setShowKeys((v) => !v),
  });

  const openRun = (id: string, span?: string) => {
    setRunId(id);
    setSpanId(span);
    setTab('runs');
  };

  return (
    <>
      <PanelHead onClose={onClose} onKeys={() => setShowKeys((v) => !v)}>
        <PanelTabs
          tab={tab}
          onTab={setTab}
          runCount={runs.status === 'ok' ? list.length : undefined}
          pending={pending.status === 'ok' ? pending.data : undefined}
        />
      </PanelHead>
      {showKeys && <PanelKeyList onClose={() => setShowKeys(false)} />}
      <div
        id="afk-dt-view"
        role="tabpanel"
        aria-labelledby={`afk-dt-tab-${tab}`}
        className={tab === 'runs' ? 'afk-dt-body' : 'afk-dt-view'}
      >
        {tab === 'approvals' ? (
          <Suspense fallback={<p className="afk-empty">Loading…</p>}>
            <PanelInbox agents={agents} onOpenRun={openRun} />
          </Suspense>
        ) : (
          <>
            {runs.status === 'error' ? (
              <p className="afk-error">Runs cannot be listed: {runs.error.message}</p>
            ) : list.length === 0 ? (
              <p className="afk-empty">
                {runs.status === 'loading' ? 'Loading…' : 'No runs yet: start an agent run in this page.'}
              </p>
            ) : (
              <ul className="afk-dt-runs" aria-label="Runs">
                {list.map((r) => (
                  <li key={r.runId}>
                    <RunItem run={r} current={r.runId === current} onSelect={() => openRun(r.runId)} />
                  </li>
                ))}
              </ul>
            )}
            <RunPanes runId={current} spanId={spanId} onSpan={setSpanId} />
          </>
        )}
      </div>
    </>
  );
}

const STATUS_CLASS: Record<RunRecord['status'], SpanStatus> = {
  running: 'running',
  paused: 'paused',
  interrupted: 'paused',
  completed: 'ok',
  degraded: 'paused',
  failed: 'error',
  cancelled: 'cancelled',
};

function RunItem({ run, current, onSelect }: { run: RunRecord; current: boolean; onSelect: () => void }) {
  const ended = run.status === 'running' || run.status === 'paused' ? undefined : run.updatedAt;
  return (
    <button
      type="button"
      className="afk-dt-run-item"
      aria-current={current}
      data-testid="afk-devtools-run"
      data-run-id={run.runId}
      onClick={onSelect}
    >
      <span className="afk-dt-run-agent">{run.agentName}</span>
      <time className="afk-dt-run-time" dateTime={new Date(run.startedAt).toISOString()}>
        {new Date(run.startedAt).toLocaleTimeString()}
      </time>
      <span className="afk-dt-run-meta">
        <span className={`afk-dt-status afk-status-${STATUS_CLASS[run.status]}`}>
          {STATUS_GLYPH[STATUS_CLASS[run.status]]} {run.status}
        </span>
        {' · '}
        {ended ? formatDuration(ended - run.startedAt) : '…'} ·{' '}
        <span className="afk-mono">{run.runId.slice(0, 12)}</span>
      </span>
    </button>
  );
}

function RunPanes({
  runId,
  spanId,
  onSpan,
}: {
  runId: string | undefined;
  spanId: string | undefined;
  onSpan: (spanId: string) => void;
}) {
  const view = useRun(runId);
  if (!runId) return <div className="afk-dt-main" />;
  if (view.status === 'error')
    return (
      <div className="afk-dt-main">
        <p className="afk-error">This run cannot be shown: {view.error.message}</p>
      </div>
    );
  const timeline = view.status === 'ok' ? view.data?.timeline : undefined;
  const selected = timeline && spanId ? findSpan(timeline.root, spanId) : undefined;
  return (
    <div className="afk-dt-main">
      {timeline ? (
        <>
          <RunTimeline timeline={timeline} selectedSpanId={selected?.id} onSelect={(s) => onSpan(s.id)} />
          <SpanInspector span={selected} />
        </>
      ) : (
        <p className="afk-empty">Loading…</p>
      )}
    </div>
  );
}

function useRunsQuery() {
  const { store } = useAfkStore();
  return useStoreQuery('afk-devtools:runs', 'all', async () =>
    (await store.listRuns({ limit: RUN_LIMIT })).filter((r) => r.parentRunId === undefined),
  );
}

function usePendingApprovals() {
  const { store } = useAfkStore();
  return useStoreQuery(
    'afk-devtools:approvals',
    'all',
    async () => (await store.listApprovals({ status: 'pending' })).length,
  );
}
