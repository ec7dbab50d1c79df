// Numbers and values rounded for people: costs, durations, token counts, truncated JSON.

/** `$0.00003` for 0.000029999999999999997; two significant digits below $1, cents above. */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd) || usd <= 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  const digits = Math.min(12, Math.max(2, 1 - Math.floor(Math.log10(usd))));
  return `$${usd.toFixed(digits).replace(/0+$/, '').replace(/\.$/, '')}`;
}

/** `850 ms`, `1.2 s`, `2 m 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
}

/** `1,234`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A value as one line of JSON (strings as they are), cut to `max` characters with `…`. */
export function preview(value: unknown, max = 160): string {
  let s: string;
  if (typeof value === 'string') s = value;
  else {
    try {
      s = JSON.stringify(value) ?? String(value);
    } catch {
      s = String(value);
    }
  }
  s = s.replace(/\s*\n\s*/g, ' ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Quotes a word for a POSIX shell when it needs it (for the printed `afk resume` command). */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
