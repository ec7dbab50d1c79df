import type { SpanKind, SpanStatus } from 'afk/debugger';

/** One glyph per span kind (status is a second channel, so colour is never the only cue). */
export const KIND_GLYPH: Record<SpanKind, string> = {
  run: '▣',
  step: '▤',
  llm: '◆',
  tool: '⚙',
  subagent: '↳',
  approval: '⚑',
  background: '◷',
};

export const STATUS_GLYPH: Record<SpanStatus, string> = {
  ok: '✓',
  error: '✗',
  paused: '‖',
  running: '⋯',
  skipped: '⊘',
  cancelled: '◼',
};

/** `840 ms`, `1.24 s`, `2 min 3 s`; `—` when unknown. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Money for people: `$0.00003`, `$0.0123`, `$1.24` — never `0.000029999999999999997`. */
export function formatCost(usd: number | undefined): string {
  if (usd === undefined || !Number.isFinite(usd)) return '—';
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  return `$${Number(usd.toPrecision(2)).toString()}`;
}

export function formatTokens(n: number | undefined): string {
  return n === undefined ? '—' : n.toLocaleString('en-US');
}
