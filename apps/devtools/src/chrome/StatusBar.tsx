import { BridgeStatus } from '../bridge/BridgeStatus';
import { DEVTOOLS_DB } from '../runtime';
import { useRunCount } from './counts';

/** The status bar: which store, how many runs, the bridge, and that nothing leaves the page. */
export function StatusBar() {
  const runs = useRunCount();
  return (
    <footer className="statusbar">
      <span className="status-item" data-testid="status-store">
        store: IndexedDB <span className="mono">“{DEVTOOLS_DB}”</span>
      </span>
      <span className="status-item" data-testid="status-runs">
        {runs === undefined ? '… runs' : `${runs.toLocaleString('en-US')} ${runs === 1 ? 'run' : 'runs'}`}
      </span>
      <BridgeStatus />
      <span className="topbar-spacer" />
      <span
        className="local-badge"
        data-testid="local-only"
        title="Runs, events and keys stay in this browser: the devtools send nothing anywhere (model calls go where Settings say)."
      >
        ● local only: nothing leaves this page
      </span>
      <span className="status-item">
        <kbd className="afk-kbd">?</kbd> shortcuts
      </span>
    </footer>
  );
}
