import { BridgeStatus } from './bridge/BridgeStatus';
import { DEVTOOLS_DB } from './runtime';
import { type Route, useRoute, type ViewName } from './state/route';
import { ApprovalsView } from './views/ApprovalsView';
import { CompareView } from './views/CompareView';
import { EvalsView } from './views/EvalsView';
import { PlaygroundView } from './views/PlaygroundView';
import { RunPage } from './views/RunPage';
import { RunsView } from './views/RunsView';
import { ImportDrop } from './views/run/ImportDrop';
import { SettingsView } from './views/SettingsView';

const TABS: ReadonlyArray<{ view: ViewName; label: string; route: Route }> = [
  { view: 'runs', label: 'Runs', route: { view: 'runs', params: {} } },
  { view: 'approvals', label: 'Approvals', route: { view: 'approvals', params: {} } },
  { view: 'evals', label: 'Evals', route: { view: 'evals', params: {} } },
  { view: 'playground', label: 'Playground', route: { view: 'playground' } },
  { view: 'settings', label: 'Settings', route: { view: 'settings' } },
];

/** The tab a route belongs to (a run and a comparison live under Runs). */
function tabOf(route: Route): ViewName {
  return route.view === 'run' || route.view === 'compare' ? 'runs' : route.view;
}

function View({ route }: { route: Route }) {
  switch (route.view) {
    case 'playground':
      return <PlaygroundView />;
    case 'runs':
      return <RunsView />;
    case 'run':
      return <RunPage runId={route.runId} spanId={route.spanId} />;
    case 'compare':
      return <CompareView runIdA={route.runIdA} runIdB={route.runIdB} />;
    case 'approvals':
      return <ApprovalsView />;
    case 'evals':
      return <EvalsView />;
    case 'settings':
      return <SettingsView />;
  }
}

export function App() {
  const route = useRoute((s) => s.route);
  const navigate = useRoute((s) => s.navigate);
  const tab = tabOf(route);
  return (
    <div className="app">
      <header className="topbar">
        <h1>AFK devtools</h1>
        <nav aria-label="Views">
          {TABS.map((t) => (
            <a
              key={t.view}
              href={`#/${t.view}`}
              data-testid={`tab-${t.view}`}
              aria-current={tab === t.view ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate(t.route);
              }}
            >
              {t.label}
            </a>
          ))}
        </nav>
      </header>
      <main>
        <View route={route} />
      </main>
      <footer className="statusbar">
        <span className="status-item">store: IndexedDB “{DEVTOOLS_DB}”</span>
        <BridgeStatus />
      </footer>
      <ImportDrop />
    </div>
  );
}
