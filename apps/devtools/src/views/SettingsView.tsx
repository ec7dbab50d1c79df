import { BridgeStatus } from '../bridge/BridgeStatus';
import { SettingsForm } from '../components/SettingsForm';
import { DEVTOOLS_DB } from '../runtime';
import { type ThemePreference, useTheme } from '../state/theme';
import './settings-view.css';

const THEMES: ReadonlyArray<{ value: ThemePreference; label: string }> = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** `#/settings`: the playground's model (a key stays in this tab's memory only), the bridge, the theme. */
export function SettingsView() {
  const pref = useTheme((s) => s.pref);
  const setTheme = useTheme((s) => s.set);
  const bridgeUrl = typeof location === 'undefined' ? '' : `${location.origin}${location.pathname}`;
  return (
    <div className="settings-view">
      <SettingsForm />
      <section className="panel" aria-labelledby="bridge-title">
        <h2 id="bridge-title">Bridge</h2>
        <p className="hint">
          Node runs appear here live when they opt in with <code>devtoolsBridge({'{ url }'})</code> and this
          page is served by <code>npx afk devtools</code>.
        </p>
        <dl className="facts">
          <dt>State</dt>
          <dd>
            <BridgeStatus />
          </dd>
          <dt>This page</dt>
          <dd className="mono" data-testid="bridge-url">
            {bridgeUrl}
          </dd>
          <dt>Store</dt>
          <dd className="mono">IndexedDB “{DEVTOOLS_DB}” (this origin)</dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="theme-title">
        <h2 id="theme-title">Theme</h2>
        <div className="segmented" role="radiogroup" aria-labelledby="theme-title">
          {THEMES.map((t) => (
            <label key={t.value} className={pref === t.value ? 'is-on' : undefined}>
              <input
                type="radio"
                name="theme"
                value={t.value}
                checked={pref === t.value}
                data-testid={`theme-${t.value}`}
                onChange={() => setTheme(t.value)}
              />
              {t.label}
            </label>
          ))}
        </div>
        <p className="hint">Remembered in this browser; “System” follows your OS. Shortcut sheet: press ?</p>
      </section>
    </div>
  );
}
