import { APPROVAL_INBOX_KEYS } from '@afk/react';

/**
 * Keyboard helpers shared by the app's shortcuts: a shortcut never fires while the user types
 * (inputs, textareas, selects, contenteditable — also inside a shadow root) or holds a modifier.
 */
export function isTyping(e: KeyboardEvent): boolean {
  const target = (e.composedPath?.()[0] ?? e.target) as Element | null;
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(type);
  }
  return false;
}

export function hasModifier(e: KeyboardEvent): boolean {
  return e.ctrlKey || e.metaKey || e.altKey;
}

/** One row of the `?` sheet: the keys (a `g x` chord, a combination, or one key) and what they do. */
export interface ShortcutRow {
  keys: string[];
  what: string;
}

/** The app's shortcuts, as the `?` sheet lists them. */
export const SHORTCUTS: ReadonlyArray<ShortcutRow> = [
  { keys: ['g', 'r'], what: 'Runs' },
  { keys: ['g', 'a'], what: 'Approvals' },
  { keys: ['g', 'e'], what: 'Evals' },
  { keys: ['g', 'p'], what: 'Playground' },
  { keys: ['g', 's'], what: 'Settings' },
  { keys: ['/'], what: 'Search runs (id, agent, first message)' },
  { keys: ['j'], what: 'Next run in the list' },
  { keys: ['k'], what: 'Previous run in the list' },
  { keys: ['Enter'], what: 'Open the highlighted run' },
  { keys: ['Esc'], what: 'Close this sheet, leave the search, or go back' },
  { keys: ['?'], what: 'This sheet' },
  { keys: ['ctrl', 'shift', 'a'], what: 'Toggle the in-page panel (<AfkDevtools />, host pages)' },
];

/**
 * The approvals inbox's keys (Approvals view, the playground's approvals), from the table the
 * inbox itself dispatches on (`APPROVAL_INBOX_KEYS`), so the sheet cannot drift from it.
 */
export const INBOX_SHORTCUTS: ReadonlyArray<ShortcutRow> = APPROVAL_INBOX_KEYS.map((k) => ({
  keys: [k.label],
  what: k.what,
}));
