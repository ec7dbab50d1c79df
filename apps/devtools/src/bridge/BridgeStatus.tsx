import { type BridgeState, useBridgeStatus } from './status';
import './BridgeStatus.css';

const LABEL: Record<BridgeState, string> = {
  off: 'off',
  connecting: 'connecting…',
  connected: 'connected',
  error: 'unreachable',
};

const GLYPH: Record<BridgeState, string> = { off: '○', connecting: '◌', connected: '●', error: '✕' };

/**
 * The status bar's bridge indicator: whether `afk devtools` streams Node runs into this page,
 * how many Node sources are sending, what arrived and what was refused; and, when anything
 * posted malformed or hostile messages on the store's BroadcastChannel, how many were ignored.
 */
export function BridgeStatus() {
  const s = useBridgeStatus();
  const sources = s.state === 'connected' ? ` (${s.sources} Node source${s.sources === 1 ? '' : 's'})` : '';
  const title =
    s.state === 'off'
      ? 'Not served by `afk devtools`: no bridge. Run `npx afk devtools` to see Node runs here.'
      : `${s.received} batch${s.received === 1 ? '' : 'es'} received, ${s.rejected} rejected${s.lastError ? `\nlast problem: ${s.lastError}` : ''}`;
  const kinds = Object.entries(s.channel.byKind)
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');
  return (
    <>
      <span
        className="status-item bridge-status"
        data-testid="bridge-status"
        data-state={s.state}
        data-sources={s.sources}
        data-received={s.received}
        data-rejected={s.rejected}
        title={title}
      >
        <span className="bridge-glyph" aria-hidden="true">
          {GLYPH[s.state]}
        </span>
        bridge: {LABEL[s.state]}
        {sources}
        {s.rejected > 0 ? (
          <span className="bridge-rejected" data-testid="bridge-rejected">
            {' '}
            · {s.rejected} rejected
          </span>
        ) : null}
      </span>
      {s.channel.total > 0 ? (
        <span
          className="status-item channel-rejections"
          data-testid="channel-rejections"
          data-total={s.channel.total}
          role="status"
          title={`Ignored on the store's BroadcastChannel: ${kinds}${s.channel.last ? `\nlast: ${s.channel.last.kind}: ${s.channel.last.message}` : ''}`}
        >
          ⚠ {s.channel.total} hostile channel message{s.channel.total === 1 ? '' : 's'} ignored
        </span>
      ) : null}
    </>
  );
}
