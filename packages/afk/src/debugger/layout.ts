import type { Span, Timeline } from './types.js';

/** One row of a waterfall: a span, its depth in the tree and its bar as fractions of the run. */
export interface TimelineRow {
  span: Span;
  depth: number;
  hasChildren: boolean;
  collapsed: boolean;
  /** Bar start and width as fractions (0..1) of the visible window. */
  offset: number;
  width: number;
  durationMs: number | undefined;
}

export interface LayoutOptions {
  /** Span ids whose children are hidden. */
  collapsed?: ReadonlySet<string>;
  /** End of open spans (default: the newest end or start in the timeline). */
  now?: number;
  /** The visible window, in ms from the run's start (zoom). Default: the whole run. */
  window?: { fromMs: number; toMs: number };
  /** Only spans whose name, kind or id contains this (case-insensitive), with their ancestors. */
  search?: string;
  /** Smallest bar, as a fraction of the window, so tiny spans stay visible. Default 0.004. */
  minWidth?: number;
}

/**
 * Lays a timeline out as waterfall rows, depth first (the order of a span tree). Pure and
 * framework-neutral: React, another adapter or a test can render the same rows.
 *
 * @example
 * const rows = layoutTimeline(await dbg.timeline(runId), { collapsed: new Set([stepId]) });
 * rows[0].span.kind; // 'run'
 */
export function layoutTimeline(tl: Timeline, opts: LayoutOptions = {}): TimelineRow[] {
  const start = tl.root.startTs;
  const end = opts.now ?? latest(tl.root);
  const total = Math.max(1, end - start);
  const from = opts.window?.fromMs ?? 0;
  const to = opts.window?.toMs ?? total;
  const span = Math.max(1, to - from);
  const minWidth = opts.minWidth ?? 0.004;
  const query = opts.search?.trim().toLowerCase();
  const keep = query ? matching(tl.root, query) : undefined;
  const rows: TimelineRow[] = [];
  const stack: Array<{ s: Span; depth: number }> = [{ s: tl.root, depth: 0 }];
  while (stack.length) {
    const { s, depth } = stack.pop() as { s: Span; depth: number };
    if (keep && !keep.has(s.id)) continue;
    const collapsed = opts.collapsed?.has(s.id) ?? false;
    const sEnd = s.endTs ?? end;
    const offset = (s.startTs - start - from) / span;
    const width = Math.max(minWidth, (sEnd - s.startTs) / span);
    rows.push({
      span: s,
      depth,
      hasChildren: s.children.length > 0,
      collapsed,
      offset,
      width,
      durationMs: s.endTs === undefined ? undefined : s.endTs - s.startTs,
    });
    if (collapsed) continue;
    for (let i = s.children.length - 1; i >= 0; i--)
      stack.push({ s: s.children[i] as Span, depth: depth + 1 });
  }
  return rows;
}

function latest(root: Span): number {
  let max = root.endTs ?? root.startTs;
  const stack = [root];
  while (stack.length) {
    const s = stack.pop() as Span;
    max = Math.max(max, s.endTs ?? s.startTs);
    for (const c of s.children) stack.push(c);
  }
  return max;
}

/** Ids of the spans matching `q` and of all their ancestors. */
function matching(root: Span, q: string): Set<string> {
  const keep = new Set<string>();
  const visit = (s: Span, path: Span[]): void => {
    const hit = s.name.toLowerCase().includes(q) || s.kind.includes(q) || s.id.toLowerCase().includes(q);
    if (hit) for (const p of [...path, s]) keep.add(p.id);
    for (const c of s.children) visit(c, [...path, s]);
  };
  visit(root, []);
  return keep;
}
