import { type RefObject, useEffect, useState } from 'react';
import { formatRoute, type Route, useRoute, type ViewName } from '../state/route';
import { type ThemePreference, useTheme } from '../state/theme';
import { usePendingApprovalCount, useRunCount } from './counts';

const TABS: ReadonlyArray<{ view: ViewName; label: string; route: Route }> = [
  { view: 'runs', label: 'Runs', route: { view: 'runs', params: {} } },
  { view: 'approvals', label: 'Approvals', route: { view: 'approvals', params: {} } },
  { view: 'evals', label: 'Evals', route: { view: 'evals', params: {} } },
  { view: 'playground', label: 'Playground', route: { view: 'playground' } },
];

/** The tab a route belongs to (a run and a comparison live under Runs). */
export function tabOf(route: Route): ViewName {
  return route.view === 'run' || route.view === 'compare' ? 'runs' : route.view;
}

const THEME_LABEL: Record<ThemePreference, string> = { system: 'System', light: 'Light', dark: 'Dark' };
const THEME_GLYPH: Record<ThemePreference, string> = { system: '◐', light: '☀', dark: '☾' };

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * The top bar: the views as tabs (Runs with the store's run count, Approvals with the pending
 * badge, both live), the global search (→ the runs view filtered by `q`), the theme toggle
 * (system → light → dark) and the settings button.
 */
export function TopBar({ searchRef }: { searchRef: RefObject<HTMLInputElement | null> }) {
  const route = useRoute((s) => s.route);
  const navigate = useRoute((s) => s.navigate);
  const tab = tabOf(route);
  const runs = useRunCount();
  const pending = usePendingApprovalCount();
  const pref = useTheme((s) => s.pref);
  const cycleTheme = useTheme((s) => s.cycle);

  // The search box mirrors `q` of the runs view (a reload or back/forward restores it).
  const urlQ = route.view === 'runs' ? (route.params.q ?? '') : '';
  const [q, setQ] = useState(urlQ);
  useEffect(() => setQ(urlQ), [urlQ]);

  const search = (text: string) => {
    setQ(text);
    const params = route.view === 'runs' ? { ...route.params } : {};
    if (text.trim()) params.q = text;
    else delete params.q;
    // Typing refines the list in place (one history entry), arriving from another view is a step.
    navigate({ view: 'runs', params }, { replace: route.view === 'runs' });
  };

  return (
    <header className="topbar">
      <a
        className="brand"
        href={formatRoute({ view: 'runs', params: {} })}
        onClick={(e) => {
          e.preventDefault();
          navigate({ view: 'runs', params: {} });
        }}
      >
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>
        AFK <span className="brand-sub">devtools</span>
      </a>
      <nav aria-label="Views" className="tabs">
        {TABS.map((t) => (
          <a
            key={t.view}
            href={formatRoute(t.route)}
            className="tab"
            data-testid={`tab-${t.view}`}
            aria-current={tab === t.view ? 'page' : undefined}
            onClick={(e) => {
              e.preventDefault();
              navigate(t.route);
            }}
          >
            {t.label}
            {t.view === 'runs' && runs !== undefined && (
              <span
                className="afk-count"
                data-testid="tab-runs-count"
                title={`${fmt(runs)} runs in the store`}
              >
                {runs > 9999 ? `${Math.floor(runs / 1000)}k` : fmt(runs)}
              </span>
            )}
            {t.view === 'approvals' && pending !== undefined && pending > 0 && (
              <span
                className="afk-count is-alert"
                data-testid="approvals-badge"
                title={`${pending} pending ${pending === 1 ? 'approval' : 'approvals'}`}
              >
                {pending}
              </span>
            )}
          </a>
        ))}
      </nav>
      <span className="topbar-spacer" />
      {/* biome-ignore lint/a11y/useSemanticElements: <search> is not in React's JSX types yet */}
      <form
        className="search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          search(q);
        }}
      >
        <span className="search-icon" aria-hidden="true">
          ⌕
        </span>
        <input
          ref={searchRef}
          className="afk-input search-input"
          type="search"
          data-testid="global-search"
          aria-label="Search runs by id, agent or first message"
          placeholder="Search runs…"
          value={q}
          onChange={(e) => search(e.target.value)}
        />
        <kbd className="afk-kbd search-hint" title="Press / to search">
          /
        </kbd>
      </form>
      <button
        type="button"
        className="icon-btn"
        data-testid="theme-toggle"
        data-theme-pref={pref}
        aria-label={`Theme: ${THEME_LABEL[pref]} (click to change)`}
        title={`Theme: ${THEME_LABEL[pref]}`}
        onClick={cycleTheme}
      >
        <span aria-hidden="true">{THEME_GLYPH[pref]}</span>
      </button>
      <a
        className="icon-btn"
        href={formatRoute({ view: 'settings' })}
        data-testid="tab-settings"
        aria-label="Settings"
        title="Settings"
        aria-current={tab === 'settings' ? 'page' : undefined}
        onClick={(e) => {
          e.preventDefault();
          navigate({ view: 'settings' });
        }}
      >
        <span aria-hidden="true">⚙</span>
        <span className="sr-only">Settings</span>
      </a>
    </header>
  );
}
