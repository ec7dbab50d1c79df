/**
 * The status bar's bridge indicator (`afk devtools` streams Node runs into this page).
 * Stub until the bridge client lands: the page is not connected to any bridge.
 */
export function BridgeStatus() {
  return (
    <span className="status-item" data-testid="bridge-status">
      bridge: off
    </span>
  );
}
