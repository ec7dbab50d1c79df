/**
 * Whether a key event comes from someone typing (an input, textarea, select or contenteditable,
 * also inside a shadow root): single-key shortcuts must not fire then.
 */
export function isTypingTarget(e: KeyboardEvent): boolean {
  const el = (e.composedPath?.()[0] ?? e.target) as HTMLElement | null;
  if (!el || typeof el.tagName !== 'string') return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName === 'INPUT')
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(
      (el as HTMLInputElement).type,
    );
  return false;
}
