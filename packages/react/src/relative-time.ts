/** "just now", "12 s ago", "3 min ago", "2 h ago", "4 d ago" for a timestamp before `now`. */
export function relativeTime(ts: number, now: number): string {
  const s = Math.max(0, Math.round((now - ts) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** The absolute time, for a hover title. */
export function absoluteTime(ts: number): string {
  return new Date(ts).toLocaleString();
}
