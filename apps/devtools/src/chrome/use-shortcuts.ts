import { useEffect, useRef } from 'react';
import { type Route, useRoute } from '../state/route';
import { hasModifier, isTyping } from './keys';

/** How long after `g` the second key of a `g x` chord counts. */
const CHORD_MS = 1200;

const GO: Record<string, Route> = {
  r: { view: 'runs', params: {} },
  a: { view: 'approvals', params: {} },
  e: { view: 'evals', params: {} },
  p: { view: 'playground' },
  s: { view: 'settings' },
};

export interface ShortcutHandlers {
  focusSearch(): void;
  toggleSheet(): void;
  /** Esc: returns true when it closed something (the sheet); else the app goes back. */
  escape(): boolean;
}

/**
 * The app-wide shortcuts: `g r`/`g a`/`g e`/`g p`/`g s` go to a view, `/` focuses the search,
 * `?` opens the shortcut sheet, `Esc` closes it or goes back from a run/comparison/detail.
 * Nothing fires while typing in a field (Esc there leaves the field).
 */
export function useShortcuts(h: ShortcutHandlers): void {
  const ref = useRef(h);
  ref.current = h;
  useEffect(() => {
    let chordAt = 0;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || hasModifier(e)) return;
      if (isTyping(e)) {
        if (e.key === 'Escape') (e.target as HTMLElement).blur();
        return;
      }
      const now = performance.now();
      if (chordAt && now - chordAt < CHORD_MS) {
        chordAt = 0;
        const route = GO[e.key];
        if (route) {
          e.preventDefault();
          useRoute.getState().navigate(route);
        }
        return;
      }
      chordAt = 0;
      switch (e.key) {
        case 'g':
          chordAt = now;
          return;
        case '/':
          e.preventDefault();
          ref.current.focusSearch();
          return;
        case '?':
          e.preventDefault();
          ref.current.toggleSheet();
          return;
        case 'Escape': {
          if (ref.current.escape()) return;
          const { route, previous, navigate } = useRoute.getState();
          if (route.view === 'run' || route.view === 'compare') {
            if (previous?.view === 'runs') history.back();
            else navigate({ view: 'runs', params: {} });
          } else if (route.view === 'approvals' && route.approvalId)
            navigate({ view: 'approvals', params: route.params });
          else if (route.view === 'evals' && route.suiteRunId)
            navigate({ view: 'evals', params: route.params });
          return;
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
