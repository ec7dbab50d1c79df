import { APPROVAL_INBOX_KEYS } from '../inbox-keys.js';
import { PANEL_KEYS } from './panel-keys.js';

const INBOX_ROWS = APPROVAL_INBOX_KEYS.map((k) => ({ keys: [k.label], what: k.what }));

/** The panel's key list (`?`): its own keys and the approvals inbox's, from their tables. */
export function PanelKeyList({ onClose }: { onClose: () => void }) {
  return (
    <section className="afk-dt-keys" aria-label="Keyboard shortcuts" data-testid="afk-devtools-keys">
      <header className="afk-dt-keys-head">
        <span className="afk-dt-title">Keyboard shortcuts</span>
        <button type="button" className="afk-dt-icon" aria-label="Close the key list" onClick={onClose}>
          ✕
        </button>
      </header>
      <KeyRows title="Panel" rows={PANEL_KEYS} />
      <KeyRows title="Approvals inbox" rows={INBOX_ROWS} />
      <p className="afk-muted afk-small">Keys never fire while you type in a field.</p>
    </section>
  );
}

function KeyRows({ title, rows }: { title: string; rows: ReadonlyArray<{ keys: string[]; what: string }> }) {
  return (
    <>
      <h3 className="afk-dt-keys-title">{title}</h3>
      <dl className="afk-dt-keys-list">
        {rows.map((r) => (
          <div key={r.what} className="afk-dt-keys-row">
            <dt>
              {r.keys.map((k, i) => (
                <span key={k}>
                  {i > 0 && <span className="afk-muted">{r.keys[0] === 'g' ? ' then ' : ' + '}</span>}
                  <kbd className="afk-kbd">{k}</kbd>
                </span>
              ))}
            </dt>
            <dd>{r.what}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}
