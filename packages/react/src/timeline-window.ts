/**
 * The waterfall's visible window (zoom) as plain functions, outside React: what ctrl+wheel, the
 * range brush and the zoom buttons do to `{ fromMs, toMs }`, and the axis ticks for a window.
 */
export interface TimeWindow {
  /** Milliseconds from the run's start. */
  fromMs: number;
  toMs: number;
}

/** The narrowest window the zoom allows (1 ms, or the whole run when it is shorter). */
export const MIN_WINDOW_MS = 1;

/** Keeps a window inside `[0, totalMs]` and at least {@link MIN_WINDOW_MS} wide. */
export function clampWindow(w: TimeWindow, totalMs: number): TimeWindow {
  const total = Math.max(MIN_WINDOW_MS, totalMs);
  let width = Math.min(total, Math.max(MIN_WINDOW_MS, w.toMs - w.fromMs));
  if (!Number.isFinite(width)) width = total;
  let from = Math.max(0, Math.min(w.fromMs, total - width));
  if (!Number.isFinite(from)) from = 0;
  return { fromMs: from, toMs: from + width };
}

/**
 * Zooms by `factor` (< 1 zooms in, > 1 out) around `anchor`, a fraction 0..1 of the window
 * (where the pointer is), so the instant under the pointer stays put.
 *
 * @example
 * zoomWindow({ fromMs: 0, toMs: 1000 }, 1000, 0.5, 0.5); // { fromMs: 250, toMs: 750 }
 */
export function zoomWindow(w: TimeWindow, totalMs: number, factor: number, anchor = 0.5): TimeWindow {
  const width = w.toMs - w.fromMs;
  const at = w.fromMs + width * Math.min(1, Math.max(0, anchor));
  const next = width * factor;
  return clampWindow(
    { fromMs: at - (at - w.fromMs) * factor, toMs: at - (at - w.fromMs) * factor + next },
    totalMs,
  );
}

/** Moves the window by `deltaFraction` of its width (positive: later), clamped to the run. */
export function panWindow(w: TimeWindow, totalMs: number, deltaFraction: number): TimeWindow {
  const d = (w.toMs - w.fromMs) * deltaFraction;
  return clampWindow({ fromMs: w.fromMs + d, toMs: w.toMs + d }, totalMs);
}

/** True when the window shows the whole run (nothing to reset). */
export function isWholeRun(w: TimeWindow, totalMs: number): boolean {
  return w.fromMs <= 0 && w.toMs >= totalMs;
}

/**
 * Round-numbered axis ticks for a window: about `count` of them at 1/2/5 × 10ⁿ ms, each with its
 * position as a fraction of the window.
 */
export function axisTicks(w: TimeWindow, count = 5): Array<{ ms: number; at: number }> {
  const width = Math.max(1e-6, w.toMs - w.fromMs);
  const raw = width / Math.max(1, count);
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * pow >= raw) ?? 10) * pow;
  const out: Array<{ ms: number; at: number }> = [];
  for (let t = Math.ceil(w.fromMs / step) * step; t <= w.toMs + 1e-9 && out.length < 50; t += step)
    out.push({ ms: t, at: (t - w.fromMs) / width });
  return out;
}
