import type { RunRecord } from 'afk/memory';

type RunStatus = RunRecord['status'];

/** Hue family of a run status (the tokens' `--afk-ok`, `--afk-error`, ...). */
export const RUN_TONE: Record<RunStatus, 'ok' | 'error' | 'paused' | 'running' | 'skipped'> = {
  running: 'running',
  paused: 'paused',
  interrupted: 'paused',
  completed: 'ok',
  degraded: 'paused',
  failed: 'error',
  cancelled: 'skipped',
};

/** A glyph per status, so colour is never the only cue. */
export const RUN_GLYPH: Record<RunStatus, string> = {
  running: '●',
  paused: '‖',
  interrupted: '‖',
  completed: '✓',
  degraded: '⚠',
  failed: '✗',
  cancelled: '◼',
};

/** A run's wall time: start to its last update once it ended; `undefined` while it runs or waits. */
export function runDuration(run: RunRecord): number | undefined {
  return run.status === 'running' || run.status === 'paused' ? undefined : run.updatedAt - run.startedAt;
}

/** `12 s ago`, `3 min ago`, `2 h ago`, `yesterday`, `Mar 4` (the absolute time goes in a title). */
export function relativeTime(ts: number, now: number = Date.now()): string {
  const s = Math.round((now - ts) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d === 1) return 'yesterday';
  if (d < 7) return `${d} days ago`;
  return new Date(ts).toLocaleDateString('en-US', { month: 'short', day: 'numeric' });
}

/** `2026-12-01 12:03:09` in local time. */
export function absoluteTime(ts: number): string {
  const d = new Date(ts);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
