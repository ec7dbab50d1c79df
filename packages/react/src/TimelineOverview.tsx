import type { Timeline } from 'afk/debugger';
import { memo, type PointerEvent, useMemo, useRef, useState } from 'react';
import { allSpans } from './span-tree.js';
import type { TimeWindow } from './timeline-window.js';

const BUCKETS = 120;

export interface TimelineOverviewProps {
  timeline: Timeline;
  totalMs: number;
  window: TimeWindow;
  /** A new window (brushed), or undefined for the whole run (a click without a drag when zoomed out). */
  onWindow(w: TimeWindow | undefined): void;
}

/**
 * The whole run in one strip above the axis (memoised: scrolling the rows does not redraw it): how busy each moment was (model and tool calls
 * active), the visible window as a highlighted range, and a brush — drag across it to zoom to
 * that range, click to centre the window there.
 */
export const TimelineOverview = memo(function TimelineOverview({
  timeline,
  totalMs,
  window: win,
  onWindow,
}: TimelineOverviewProps) {
  const density = useMemo(() => busy(timeline, totalMs), [timeline, totalMs]);
  const ref = useRef<HTMLDivElement>(null);
  const [drag, setDragState] = useState<{ from: number; to: number }>();
  // The handlers read the ref: a pointerup can arrive before the render of the last move.
  const dragRef = useRef<{ from: number; to: number } | undefined>(undefined);
  const setDrag = (d: { from: number; to: number } | undefined) => {
    dragRef.current = d;
    setDragState(d);
  };
  const frac = (e: PointerEvent) => {
    const r = ref.current?.getBoundingClientRect();
    return r && r.width > 0 ? Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)) : 0;
  };
  const onDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    try {
      e.currentTarget.setPointerCapture?.(e.pointerId);
    } catch {
      // a synthetic or already-released pointer: dragging still works inside the strip
    }
    const f = frac(e);
    setDrag({ from: f, to: f });
  };
  const onMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = dragRef.current;
    if (d) setDrag({ ...d, to: frac(e) });
  };
  const onUp = (e: PointerEvent<HTMLDivElement>) => {
    const d = dragRef.current;
    if (!d) return;
    const to = frac(e);
    const a = Math.min(d.from, to);
    const b = Math.max(d.from, to);
    setDrag(undefined);
    if (b - a > 0.005) onWindow({ fromMs: a * totalMs, toMs: b * totalMs });
    else {
      const width = win.toMs - win.fromMs;
      if (width >= totalMs) return;
      const centre = a * totalMs;
      onWindow({ fromMs: centre - width / 2, toMs: centre + width / 2 });
    }
  };
  const shown = drag
    ? { left: Math.min(drag.from, drag.to), width: Math.abs(drag.to - drag.from) }
    : { left: win.fromMs / totalMs, width: (win.toMs - win.fromMs) / totalMs };
  const max = Math.max(1, ...density);
  return (
    <div
      ref={ref}
      className="afk-overview"
      data-testid="timeline-brush"
      role="slider"
      aria-label="Zoom range: drag to zoom to a range"
      aria-valuemin={0}
      aria-valuemax={Math.round(totalMs)}
      aria-valuenow={Math.round(win.fromMs)}
      aria-valuetext={`${Math.round(win.fromMs)} to ${Math.round(win.toMs)} ms`}
      tabIndex={-1}
      onPointerDown={onDown}
      onPointerMove={onMove}
      onPointerUp={onUp}
      onPointerCancel={() => setDrag(undefined)}
    >
      <svg viewBox={`0 0 ${BUCKETS} 10`} preserveAspectRatio="none" aria-hidden="true">
        <path
          className="afk-overview-density"
          d={density
            .map((v, i) => (v > 0 ? `M${i} 10V${10 - Math.max(1, (v / max) * 9)}h1V10z` : ''))
            .join('')}
        />
      </svg>
      <div
        className="afk-overview-window"
        style={{ left: `${shown.left * 100}%`, width: `${Math.max(0.3, shown.width * 100)}%` }}
      />
    </div>
  );
});

/** How many model/tool/wait spans were active in each of {@link BUCKETS} slices of the run. */
function busy(tl: Timeline, totalMs: number): number[] {
  const out = new Array<number>(BUCKETS).fill(0);
  const end = tl.root.startTs + totalMs;
  for (const s of allSpans(tl.root)) {
    if (s.kind === 'run' || s.kind === 'step') continue;
    const a = Math.floor(((s.startTs - tl.root.startTs) / totalMs) * BUCKETS);
    const b = Math.floor((((s.endTs ?? end) - tl.root.startTs) / totalMs) * BUCKETS);
    for (let i = Math.max(0, a); i <= Math.min(BUCKETS - 1, b); i++) out[i] = (out[i] ?? 0) + 1;
  }
  return out;
}
