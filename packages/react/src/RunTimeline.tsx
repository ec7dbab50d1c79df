import { layoutTimeline, type Span, type Timeline, type TimelineRow } from 'afk/debugger';
import { type KeyboardEvent, useMemo, useRef, useState } from 'react';
import { formatDuration, KIND_GLYPH, STATUS_GLYPH } from './format.js';
import { useVisibleRange } from './virtual-rows.js';

const ROW_HEIGHT = 26;

export interface RunTimelineProps {
  timeline: Timeline;
  selectedSpanId?: string | undefined;
  onSelect?: (span: Span) => void;
}

/**
 * The run as a span tree beside a waterfall: one row per span (run → steps → llm / tool /
 * approval / subagent / background), bars placed on the run's clock, tiny spans kept visible,
 * waits (approvals, background) hatched. Collapsible, searchable, virtualised, and driven from
 * the keyboard (↑ ↓ to move, ← → to collapse and expand).
 *
 * @example
 * <RunTimeline timeline={tl} selectedSpanId={id} onSelect={(s) => setId(s.id)} />
 */
export function RunTimeline({ timeline, selectedSpanId, onSelect }: RunTimelineProps) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [search, setSearch] = useState('');
  const rows = useMemo(
    () => layoutTimeline(timeline, { collapsed, search, now: Date.now() }),
    [timeline, collapsed, search],
  );
  const scroller = useRef<HTMLDivElement>(null);
  const { start, end } = useVisibleRange(scroller, rows.length, ROW_HEIGHT);
  const total = Math.max(0, (timeline.endTs ?? Date.now()) - timeline.startTs);
  const selectedIndex = rows.findIndex((r) => r.span.id === selectedSpanId);

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
      if (!r) return;
      onSelect?.(r.span);
      const el = scroller.current;
      if (el) {
        const top = rows.indexOf(r) * ROW_HEIGHT;
        if (top < el.scrollTop) el.scrollTop = top;
        else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight)
          el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
      }
    };
    if (e.key === 'ArrowDown' || e.key === 'j') move(selectedIndex + 1);
    else if (e.key === 'ArrowUp' || e.key === 'k') move(selectedIndex - 1);
    else if (e.key === 'ArrowLeft' && cur?.hasChildren) toggle(cur.span.id, false);
    else if (e.key === 'ArrowRight' && cur?.hasChildren) toggle(cur.span.id, true);
    else return;
    e.preventDefault();
  };

  return (
    <div className="afk-timeline" data-testid="run-timeline">
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
        <span className="afk-muted">
          {rows.length} of {countSpans(timeline.root)} spans · {timeline.eventCount} events ·{' '}
          {formatDuration(total)}
        </span>
      </div>
      <div className="afk-timeline-head" aria-hidden="true">
        <div className="afk-tree-cell">span</div>
        <div className="afk-axis">
          {[0, 0.5, 1].map((f) => (
            <span key={f} style={{ left: `${f * 100}%` }}>
              {formatDuration(total * f)}
            </span>
          ))}
        </div>
      </div>
      <div
        className="afk-timeline-body"
        ref={scroller}
        role="tree"
        aria-label="Spans of the run"
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        <div style={{ height: rows.length * ROW_HEIGHT, position: 'relative' }}>
          {rows.slice(start, end).map((r, i) => (
            <SpanRow
              key={r.span.id}
              row={r}
              top={(start + i) * ROW_HEIGHT}
              selected={r.span.id === selectedSpanId}
              onSelect={() => onSelect?.(r.span)}
              onToggle={() => toggle(r.span.id)}
            />
          ))}
        </div>
      </div>
    </div>
  );
}

function SpanRow({
  row,
  top,
  selected,
  onSelect,
  onToggle,
}: {
  row: TimelineRow;
  top: number;
  selected: boolean;
  onSelect: () => void;
  onToggle: () => void;
}) {
  const s = row.span;
  const waits = s.kind === 'approval' || s.kind === 'background';
  return (
    // biome-ignore lint/a11y/useFocusableInteractive: the tree itself holds focus (roving selection)
    <div
      role="treeitem"
      aria-level={row.depth + 1}
      aria-selected={selected}
      {...(row.hasChildren ? { 'aria-expanded': !row.collapsed } : {})}
      className={`afk-span-row${selected ? ' is-selected' : ''}`}
      style={{ top, height: ROW_HEIGHT }}
      data-testid="span-row"
      data-span-id={s.id}
      data-span-kind={s.kind}
      data-span-status={s.status}
      onClick={onSelect}
      onKeyDown={undefined}
    >
      <div className="afk-tree-cell" style={{ paddingLeft: 6 + row.depth * 14 }}>
        {row.hasChildren ? (
          <button
            type="button"
            className="afk-chevron"
            aria-label={row.collapsed ? 'Expand' : 'Collapse'}
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
        <span className={`afk-kind afk-kind-${s.kind}`} title={s.kind}>
          {KIND_GLYPH[s.kind]}
        </span>
        <span className="afk-span-name" title={s.name}>
          {s.name}
        </span>
        <span className={`afk-status afk-status-${s.status}`} title={s.status}>
          {STATUS_GLYPH[s.status]}
        </span>
        <span className="afk-dur">{formatDuration(row.durationMs)}</span>
      </div>
      <div className="afk-bar-cell">
        <div
          className={`afk-bar afk-bar-${s.kind} afk-bar-status-${s.status}${waits ? ' is-wait' : ''}`}
          style={{ left: `${Math.max(0, row.offset) * 100}%`, width: `${Math.min(1, row.width) * 100}%` }}
        />
      </div>
    </div>
  );
}

function countSpans(root: Span): number {
  let n = 0;
  const stack = [root];
  while (stack.length) {
    const s = stack.pop() as Span;
    n++;
    for (const c of s.children) stack.push(c);
  }
  return n;
}
