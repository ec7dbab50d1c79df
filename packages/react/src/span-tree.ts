import type { Span, Timeline } from 'afk/debugger';

/**
 * Small reads over a timeline's span tree for the run view (plain functions, no React): counts,
 * parallel calls, the step list for the chart, and the neighbours of a span.
 */

/** Every span of the tree, depth first (the tree's row order with nothing collapsed). */
export function allSpans(root: Span): Span[] {
  const out: Span[] = [];
  const stack: Span[] = [root];
  while (stack.length) {
    const s = stack.pop() as Span;
    out.push(s);
    for (let i = s.children.length - 1; i >= 0; i--) stack.push(s.children[i] as Span);
  }
  return out;
}

export function spanCount(root: Span): number {
  let n = 0;
  const stack = [root];
  while (stack.length) {
    const s = stack.pop() as Span;
    n++;
    for (const c of s.children) stack.push(c);
  }
  return n;
}

/**
 * Ids of tool and subagent spans that overlapped a sibling of the same parent in time: the calls
 * the runner ran in parallel (drawn stacked, one row each, marked `∥`).
 */
export function parallelSpanIds(root: Span): Set<string> {
  const out = new Set<string>();
  const stack = [root];
  while (stack.length) {
    const s = stack.pop() as Span;
    const calls = s.children.filter((c) => c.kind === 'tool' || c.kind === 'subagent');
    if (calls.length > 1) {
      const sorted = [...calls].sort((a, b) => a.startTs - b.startTs);
      let reach = -Infinity;
      let prev: Span | undefined;
      for (const c of sorted) {
        if (prev && c.startTs < reach) {
          out.add(c.id);
          out.add(prev.id);
        }
        const end = c.endTs ?? Number.POSITIVE_INFINITY;
        if (end > reach) {
          reach = end;
          prev = c;
        }
      }
    }
    for (const c of s.children) stack.push(c);
  }
  return out;
}

/** One bar of the per-step chart: a step of the root run with its tokens and cost. */
export interface StepPoint {
  span: Span;
  step: number;
  tokens: number;
  costUsd: number;
  failed: boolean;
}

/** The root run's steps with the tokens and cost of the model calls and subagents inside each. */
export function stepPoints(tl: Timeline): StepPoint[] {
  const out: StepPoint[] = [];
  for (const s of tl.root.children) {
    if (s.kind !== 'step') continue;
    let tokens = 0;
    let cost = 0;
    let failed = s.status === 'error';
    for (const c of s.children) {
      if (c.kind !== 'llm' && c.kind !== 'subagent') continue;
      const t = c.attributes['afk.usage.total_tokens'];
      const k = c.attributes.costUsd;
      if (typeof t === 'number') tokens += t;
      if (typeof k === 'number') cost += k;
      if (c.status === 'error') failed = true;
    }
    const n = s.attributes['afk.step'];
    out.push({ span: s, step: typeof n === 'number' ? n : out.length, tokens, costUsd: cost, failed });
  }
  return out;
}

/** The `llm` span of the same run that came before this one (for "new since the previous step"). */
export function previousLlmSpan(root: Span, span: Span): Span | undefined {
  let prev: Span | undefined;
  for (const s of allSpans(root)) {
    if (s.id === span.id) return prev;
    if (s.kind === 'llm' && s.runId === span.runId) prev = s;
  }
  return undefined;
}

/** The span before / after `id` in tree order (`[` and `]`), or undefined at the ends. */
export function neighbourSpan(root: Span, id: string | undefined, dir: -1 | 1): Span | undefined {
  const list = allSpans(root);
  const i = id === undefined ? -1 : list.findIndex((s) => s.id === id);
  if (i < 0) return dir > 0 ? list[0] : list[list.length - 1];
  return list[i + dir];
}
