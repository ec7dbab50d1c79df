import { layoutTimeline, type Span, type Timeline, type TimelineRow } from 'afk/debugger';
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import { formatDuration, KIND_GLYPH, STATUS_GLYPH } from './format.js';
import { parallelSpanIds, spanCount } from './span-tree.js';
import { TimelineOverview } from './TimelineOverview.js';
import {
  axisTicks,
  clampWindow,
  isWholeRun,
  panWindow,
  type TimeWindow,
  zoomWindow,
} from './timeline-window.js';
import { useVisibleRange } from './virtual-rows.js';

const ROW_HEIGHT = 26;
/** Smallest bar in pixels-ish terms: 0.4 % of the visible window, so a 1 ms tool stays clickable. */
const MIN_BAR = 0.004;

export interface RunTimelineProps {
  timeline: Timeline;
  selectedSpanId?: string | undefined;
  onSelect?: (span: Span) => void;
  /** Grow to the height of the container instead of a fixed 480 px list (the full-page run view). */
  fill?: boolean;
}

/**
 * The run as a span tree beside a waterfall, one virtualised row model for both (they scroll
 * together): run → steps → llm / tool / approval / subagent / background, bars on the run's
 * clock. Tiny spans keep a minimum width, parallel tool calls stack on their own rows (marked
 * `∥`), subagent runs nest under their span, and waits (approvals, background) are hatched.
 * Collapsible, searchable, zoomable (ctrl+wheel, the range brush above the axis, − + and reset
 * buttons; shift+wheel pans), and driven from the keyboard (↑ ↓ move, ← → collapse and expand).
 *
 * @example
 * <RunTimeline timeline={tl} selectedSpanId={id} onSelect={(s) => setId(s.id)} />
 */
export function RunTimeline({ timeline, selectedSpanId, onSelect, fill = false }: RunTimelineProps) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [search, setSearch] = useState('');
  const loading = timeline.loading;
  const live = timeline.endTs === undefined && !loading;
  // While a long run loads, the axis ends at its last write (not now): bars keep their places.
  const end = timeline.endTs ?? Math.max(loading?.untilTs ?? Date.now(), timeline.startTs);
  const total = Math.max(1, end - timeline.startTs);
  const [zoom, setZoom] = useState<TimeWindow | undefined>();
  // One window object per zoom/total (the overview strip re-renders only when it changes).
  const win = useMemo(() => (zoom ? clampWindow(zoom, total) : { fromMs: 0, toMs: total }), [zoom, total]);
  // Bars are placed per visible row at render time (zoom touches only what is on screen).
  const rows = useMemo(() => layoutTimeline(timeline, { collapsed, search }), [timeline, collapsed, search]);
  const parallel = useMemo(() => parallelSpanIds(timeline.root), [timeline]);
  const spans = useMemo(() => spanCount(timeline.root), [timeline]);
  const scroller = useRef<HTMLDivElement>(null);
  const bars = useRef<HTMLDivElement>(null);
  const { start, end: last } = useVisibleRange(scroller, rows.length, ROW_HEIGHT);
  const selectedIndex = useMemo(
    () => rows.findIndex((r) => r.span.id === selectedSpanId),
    [rows, selectedSpanId],
  );

  // Keep the selected row on screen when the selection comes from elsewhere (chart, `[` `]`, URL).
  useEffect(() => {
    const el = scroller.current;
    if (!el || selectedIndex < 0) return;
    const top = selectedIndex * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight)
      el.scrollTop = top + ROW_HEIGHT - (el.clientHeight || ROW_HEIGHT);
  }, [selectedIndex]);

  // ctrl/⌘+wheel zooms around the pointer, shift+wheel pans; a non-passive listener (React's
  // wheel handler is passive and cannot keep the page from zooming).
  const winRef = useRef(win);
  winRef.current = win;
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      const lane = bars.current?.getBoundingClientRect();
      if (!lane || lane.width <= 0) return;
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        const anchor = (e.clientX - lane.left) / lane.width;
        setZoom(zoomWindow(winRef.current, total, e.deltaY > 0 ? 1.25 : 0.8, anchor));
      } else if (e.shiftKey && !isWholeRun(winRef.current, total)) {
        e.preventDefault();
        setZoom(panWindow(winRef.current, total, (e.deltaY || e.deltaX) > 0 ? 0.1 : -0.1));
      }
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [total]);

  const toggle = (id: string, open?: boolean) =>
    setCollapsed((prev) => {
      const next = new Set(prev);
      const isOpen = !next.has(id);
      if (open === undefined ? isOpen : !open) next.add(id);
      else next.delete(id);
      return next;
    });

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const cur = rows[selectedIndex];
    const move = (i: number) => {
      const r = rows[Math.max(0, Math.min(rows.length - 1, i))];
      if (r) onSelect?.(r.span);
    };
    if (e.key === 'ArrowDown' || e.key === 'j') move(selectedIndex + 1);
    else if (e.key === 'ArrowUp' || e.key === 'k') move(selectedIndex - 1);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(rows.length - 1);
    else if (e.key === 'ArrowLeft' && cur?.hasChildren && !cur.collapsed) toggle(cur.span.id, false);
    else if (e.key === 'ArrowRight' && cur?.hasChildren && cur.collapsed) toggle(cur.span.id, true);
    else return;
    e.preventDefault();
  };

  const ticks = axisTicks(win, 5);
  const zoomed = !isWholeRun(win, total);
  const zoomBy = (f: number) => setZoom(zoomWindow(win, total, f, 0.5));

  return (
    <div className={`afk-timeline${fill ? ' is-fill' : ''}`} data-testid="run-timeline" data-live={live}>
      <div className="afk-timeline-toolbar">
        <input
          type="search"
          className="afk-input"
          placeholder="Filter spans (name, kind, id)"
          aria-label="Filter spans"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="span-search"
        />
        <span className="afk-muted afk-small" data-testid="span-count">
          {rows.length === spans ? `${spans} spans` : `${rows.length} of ${spans} spans`} ·{' '}
          {timeline.eventCount.toLocaleString('en-US')} events · {formatDuration(total)}
          {live && <span className="afk-live"> · live</span>}
        </span>
        {loading && <TimelineLoading loaded={loading.loaded} total={loading.total} />}
        <span className="afk-zoom">
          <button type="button" className="afk-btn" aria-label="Zoom out" onClick={() => zoomBy(1.5)}>
            −
          </button>
          <button
            type="button"
            className="afk-btn"
            aria-label="Zoom in"
            data-testid="zoom-in"
            onClick={() => zoomBy(1 / 1.5)}
          >
            +
          </button>
          <button
            type="button"
            className="afk-btn"
            data-testid="zoom-reset"
            disabled={!zoomed}
            onClick={() => setZoom(undefined)}
          >
            Reset
          </button>
          <span className="afk-muted afk-small afk-mono" data-testid="zoom-window">
            {zoomed ? `${formatDuration(win.fromMs)} – ${formatDuration(win.toMs)}` : 'whole run'}
          </span>
        </span>
      </div>
      <div className="afk-timeline-head">
        <div className="afk-tree-cell">span</div>
        <div className="afk-axis-cell">
          <TimelineOverview timeline={timeline} totalMs={total} window={win} onWindow={setZoom} />
          <div className="afk-axis" aria-hidden="true" ref={bars}>
            {ticks.map((t) => (
              <span key={t.ms} style={{ left: `${t.at * 100}%` }}>
                {formatDuration(t.ms)}
              </span>
            ))}
          </div>
        </div>
      </div>
      <div
        className="afk-timeline-body"
        ref={scroller}
        role="tree"
        aria-label="Spans of the run"
        aria-activedescendant={selectedIndex >= 0 ? rowDomId(rows[selectedIndex] as TimelineRow) : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        <div style={{ height: rows.length * ROW_HEIGHT, position: 'relative' }}>
          {rows.slice(start, last).map((r, i) => (
            <SpanRow
              key={r.span.id}
              row={r}
              top={(start + i) * ROW_HEIGHT}
              selected={r.span.id === selectedSpanId}
              parallel={parallel.has(r.span.id)}
              bar={barOf(r.span, timeline.startTs, end, win)}
              onSelect={() => onSelect?.(r.span)}
              onToggle={() => toggle(r.span.id)}
            />
          ))}
        </div>
      </div>
    </div>
  );
}

/** The progress of a run still being read and folded (the rows above are usable meanwhile). */
function TimelineLoading({ loaded, total }: { loaded: number; total: number | undefined }) {
  const of = total === undefined ? '' : ` / ${total.toLocaleString('en-US')}`;
  return (
    <span className="afk-timeline-loading afk-small" role="status" data-testid="timeline-loading">
      <progress
        max={total ?? undefined}
        value={total === undefined ? undefined : loaded}
        aria-label="Events loaded"
      />
      <span>
        loading {loaded.toLocaleString('en-US')}
        {of} events
      </span>
    </span>
  );
}

const rowDomId = (r: TimelineRow) => `afk-span-${r.span.id.replace(/[^a-zA-Z0-9_-]/g, '_')}`;

/** A span's bar in the visible window, as fractions; tiny spans keep {@link MIN_BAR}. */
function barOf(s: Span, runStart: number, now: number, w: TimeWindow): { left: number; width: number } {
  const span = Math.max(1e-6, w.toMs - w.fromMs);
  const from = (s.startTs - runStart - w.fromMs) / span;
  const to = ((s.endTs ?? now) - runStart - w.fromMs) / span;
  const width = Math.max(MIN_BAR, to - from);
  return { left: from, width };
}

function SpanRow({
  row,
  top,
  selected,
  parallel,
  bar,
  onSelect,
  onToggle,
}: {
  row: TimelineRow;
  top: number;
  selected: boolean;
  parallel: boolean;
  bar: { left: number; width: number };
  onSelect: () => void;
  onToggle: () => void;
}) {
  const s = row.span;
  const waits = s.kind === 'approval' || s.kind === 'background';
  // Clip to the lane: a bar left of the window starts at 0, one right of it is not drawn.
  const left = Math.max(0, bar.left);
  const right = Math.min(1, bar.left + bar.width);
  const visible = right > 0 && left < 1;
  const width = Math.max(right - left, visible ? MIN_BAR : 0);
  return (
    // biome-ignore lint/a11y/useFocusableInteractive: the tree itself holds focus (aria-activedescendant)
    // biome-ignore lint/a11y/useKeyWithClickEvents: the tree handles the keys for its rows
    <div
      id={rowDomId(row)}
      role="treeitem"
      aria-level={row.depth + 1}
      aria-selected={selected}
      aria-label={`${s.kind} ${s.name}, ${s.status}${parallel ? ', parallel' : ''}`}
      {...(row.hasChildren ? { 'aria-expanded': !row.collapsed } : {})}
      className={`afk-span-row${selected ? ' is-selected' : ''}`}
      style={{ top, height: ROW_HEIGHT }}
      data-testid="span-row"
      data-span-id={s.id}
      data-span-kind={s.kind}
      data-span-status={s.status}
      onClick={onSelect}
    >
      <div className="afk-tree-cell" style={{ paddingLeft: 6 + row.depth * 14 }}>
        {row.hasChildren ? (
          <button
            type="button"
            tabIndex={-1}
            className="afk-chevron"
            aria-label={row.collapsed ? `Expand ${s.name}` : `Collapse ${s.name}`}
            data-testid="span-toggle"
            onClick={(e) => {
              e.stopPropagation();
              onToggle();
            }}
          >
            {row.collapsed ? '▸' : '▾'}
          </button>
        ) : (
          <span className="afk-chevron" />
        )}
        <span className={`afk-kind afk-kind-${s.kind}`} title={s.kind} aria-hidden="true">
          {KIND_GLYPH[s.kind]}
        </span>
        <span className="afk-span-name" title={`${s.kind} ${s.name}`}>
          {s.kind === 'step' || s.kind === 'run' ? s.name : `${s.kind} ${s.name}`}
        </span>
        {parallel && (
          <span className="afk-parallel" title="ran in parallel with a sibling call">
            ∥
          </span>
        )}
        <span className={`afk-status afk-status-${s.status}`} title={s.status} aria-hidden="true">
          {STATUS_GLYPH[s.status]}
        </span>
        <span className="afk-dur">{formatDuration(row.durationMs)}</span>
      </div>
      <div className="afk-bar-cell">
        {visible && (
          <div
            className={`afk-bar afk-bar-${s.kind} afk-bar-status-${s.status}${waits ? ' is-wait' : ''}${parallel ? ' is-parallel' : ''}`}
            style={{ left: `${left * 100}%`, width: `${width * 100}%` }}
            data-testid="span-bar"
          />
        )}
      </div>
    </div>
  );
}
