import { create } from 'zustand';

/** `system` follows `prefers-color-scheme`; `light`/`dark` pin the theme (remembered in localStorage). */
export type ThemePreference = 'system' | 'light' | 'dark';

export const THEME_STORAGE_KEY = 'afk-devtools:theme';

function read(): ThemePreference {
  try {
    const v = localStorage.getItem(THEME_STORAGE_KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

/** Sets (or, for `system`, removes) `data-theme` on the root element: the tokens do the rest. */
export function applyTheme(pref: ThemePreference, root: HTMLElement = document.documentElement): void {
  if (pref === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', pref);
}

const NEXT: Record<ThemePreference, ThemePreference> = { system: 'light', light: 'dark', dark: 'system' };

interface ThemeState {
  pref: ThemePreference;
  set(pref: ThemePreference): void;
  /** system → light → dark → system. */
  cycle(): void;
}

export const useTheme = create<ThemeState>()((set, get) => ({
  pref: typeof localStorage === 'undefined' ? 'system' : read(),
  set: (pref) => {
    try {
      if (pref === 'system') localStorage.removeItem(THEME_STORAGE_KEY);
      else localStorage.setItem(THEME_STORAGE_KEY, pref);
    } catch {
      // storage refused (private mode): the choice lasts for this page only
    }
    applyTheme(pref);
    set({ pref });
  },
  cycle: () => get().set(NEXT[get().pref]),
}));

if (typeof document !== 'undefined') {
  applyTheme(useTheme.getState().pref);
  // Another tab changed it: follow.
  window.addEventListener('storage', (e) => {
    if (e.key !== THEME_STORAGE_KEY) return;
    const pref = read();
    applyTheme(pref);
    useTheme.setState({ pref });
  });
}
