import { useEffect, useRef } from 'react';
import { INBOX_SHORTCUTS, SHORTCUTS, type ShortcutRow } from './keys';
import './ShortcutSheet.css';

/** The `?` sheet: every shortcut, as a modal dialog (Esc or the button closes it). */
export function ShortcutSheet({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: Esc closes it (the dialog's cancel event)
    <dialog
      ref={ref}
      className="sheet"
      data-testid="shortcut-sheet"
      aria-labelledby="sheet-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div className="sheet-body">
        <header className="sheet-head">
          <h2 id="sheet-title">Keyboard shortcuts</h2>
          <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
            ✕
          </button>
        </header>
        <p className="hint">Shortcuts never fire while you type in a field.</p>
        <ShortcutList title="Everywhere" rows={SHORTCUTS} id="sheet-app" />
        <ShortcutList
          title="Approvals inbox (Approvals, Playground)"
          rows={INBOX_SHORTCUTS}
          id="sheet-inbox"
        />
      </div>
    </dialog>
  );
}

function ShortcutList({ title, rows, id }: { title: string; rows: ReadonlyArray<ShortcutRow>; id: string }) {
  return (
    <section className="sheet-section" aria-labelledby={id} data-testid={id}>
      <h3 id={id} className="sheet-section-title">
        {title}
      </h3>
      <dl className="sheet-list">
        {rows.map((s) => (
          <div key={s.what} className="sheet-row">
            <dt>
              {s.keys.map((k, i) => (
                <span key={k}>
                  {i > 0 && <span className="sheet-then">{s.keys[0] === 'g' ? ' then ' : ' + '}</span>}
                  <kbd className="afk-kbd">{k}</kbd>
                </span>
              ))}
            </dt>
            <dd>{s.what}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
