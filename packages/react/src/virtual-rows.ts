import { type RefObject, useEffect, useState } from 'react';

/**
 * Which rows of a fixed-height list are on screen (plus an overscan), so a 10,000-span timeline
 * renders only what can be seen. Re-computed on scroll and resize.
 */
export function useVisibleRange(
  ref: RefObject<HTMLElement | null>,
  count: number,
  rowHeight: number,
  overscan = 8,
): { start: number; end: number } {
  const [range, setRange] = useState({ start: 0, end: Math.min(count, 60) });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => {
      const start = Math.max(0, Math.floor(el.scrollTop / rowHeight) - overscan);
      const visible = Math.ceil((el.clientHeight || 600) / rowHeight) + overscan * 2;
      setRange((r) => {
        const next = { start, end: Math.min(count, start + visible) };
        return r.start === next.start && r.end === next.end ? r : next;
      });
    };
    update();
    el.addEventListener('scroll', update, { passive: true });
    const ro = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(update);
    ro?.observe(el);
    return () => {
      el.removeEventListener('scroll', update);
      ro?.disconnect();
    };
  }, [ref, count, rowHeight, overscan]);
  return range;
}
