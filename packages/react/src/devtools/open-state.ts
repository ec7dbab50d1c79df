/** Where the panel remembers whether it was open (and its drawer height) across reloads. */
export const OPEN_STORAGE_KEY = 'afk-devtools:open';
export const HEIGHT_STORAGE_KEY = 'afk-devtools:height';

/** The remembered open state, or `fallback` when nothing (or something unreadable) is stored. */
export function readOpen(fallback: boolean): boolean {
  try {
    const v = globalThis.localStorage?.getItem(OPEN_STORAGE_KEY);
    return v === 'true' ? true : v === 'false' ? false : fallback;
  } catch {
    return fallback; // storage blocked (sandboxed iframe, privacy mode)
  }
}

export function writeOpen(open: boolean): void {
  try {
    globalThis.localStorage?.setItem(OPEN_STORAGE_KEY, String(open));
  } catch {
    // storage blocked: the state just is not remembered
  }
}

/** The remembered drawer height in px, clamped to something usable. */
export function readHeight(fallback: number): number {
  try {
    const v = Number(globalThis.localStorage?.getItem(HEIGHT_STORAGE_KEY));
    return Number.isFinite(v) && v >= 160 ? v : fallback;
  } catch {
    return fallback;
  }
}

export function writeHeight(px: number): void {
  try {
    globalThis.localStorage?.setItem(HEIGHT_STORAGE_KEY, String(Math.round(px)));
  } catch {
    // not remembered
  }
}
