import { useEffect, useRef } from 'react';
import { isTypingTarget } from '../keys.js';

/** The panel's own keys (the approvals inbox's come from `APPROVAL_INBOX_KEYS`). */
export const PANEL_KEYS: ReadonlyArray<{ keys: string[]; what: string }> = [
  { keys: ['ctrl', 'shift', 'a'], what: 'Open or close the panel (anywhere in the page)' },
  { keys: ['g', 'r'], what: 'Runs tab' },
  { keys: ['g', 'a'], what: 'Approvals tab' },
  { keys: ['?'], what: 'Show or hide this key list' },
];

/** How long after `g` the second key of a `g x` chord counts (as in the devtools app). */
const CHORD_MS = 1200;

export interface PanelKeyHandlers {
  tab(tab: 'runs' | 'approvals'): void;
  toggleKeys(): void;
}

/**
 * The panel's keys, heard only inside the panel (a host page's keys are left alone): `g r` and
 * `g a` switch tabs, `?` shows the key list. Never while typing in a field or with a modifier.
 */
export function usePanelKeys(el: HTMLElement | null, handlers: PanelKeyHandlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    if (!el) return;
    let chordAt = 0;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e)) return;
      const now = performance.now();
      if (chordAt && now - chordAt < CHORD_MS) {
        chordAt = 0;
        const tab = e.key === 'r' ? 'runs' : e.key === 'a' ? 'approvals' : undefined;
        if (tab) {
          e.preventDefault();
          ref.current.tab(tab);
        }
        return;
      }
      chordAt = e.key === 'g' ? now : 0;
      if (e.key === '?') {
        e.preventDefault();
        ref.current.toggleKeys();
      }
    };
    el.addEventListener('keydown', onKey);
    return () => el.removeEventListener('keydown', onKey);
  }, [el]);
}
