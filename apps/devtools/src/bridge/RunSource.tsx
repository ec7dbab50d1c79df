import { useRunSource } from './status';
import './BridgeStatus.css';

/**
 * A small "⇄ node: <label>" badge for a run that came over the bridge (nothing for the page's own
 * runs), for the run list and the run header.
 */
export function RunSource({ runId }: { runId: string }) {
  const label = useRunSource(runId);
  if (label === undefined) return null;
  return (
    <span
      className="run-source"
      data-testid="run-source"
      title={`Streamed from Node by the bridge: ${label}`}
    >
      ⇄ {label}
    </span>
  );
}
