import { useCallback, useRef, useState } from 'react';
import { ShortcutSheet } from './chrome/ShortcutSheet';
import { StatusBar } from './chrome/StatusBar';
import { TopBar } from './chrome/TopBar';
import { useShortcuts } from './chrome/use-shortcuts';
import { type Route, useRoute } from './state/route';
import { ApprovalsView } from './views/ApprovalsView';
import { CompareView } from './views/CompareView';
import { EvalsView } from './views/EvalsView';
import { PlaygroundView } from './views/PlaygroundView';
import { RunPage } from './views/RunPage';
import { RunsView } from './views/RunsView';
import { ImportDrop } from './views/run/ImportDrop';
import { SettingsView } from './views/SettingsView';
import './chrome/chrome.css';

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

/** The app shell: top bar (views, search, theme, settings), the current view, the status bar. */
export function App() {
  const route = useRoute((s) => s.route);
  const searchRef = useRef<HTMLInputElement>(null);
  const [sheet, setSheet] = useState(false);
  const closeSheet = useCallback(() => setSheet(false), []);
  useShortcuts({
    focusSearch: () => {
      searchRef.current?.focus();
      searchRef.current?.select();
    },
    toggleSheet: () => setSheet((s) => !s),
    escape: () => {
      if (!sheet) return false;
      setSheet(false);
      return true;
    },
  });
  return (
    <div className="app">
      <TopBar searchRef={searchRef} />
      <main className="app-main" data-view={route.view}>
        <View route={route} />
      </main>
      <StatusBar />
      {sheet && <ShortcutSheet onClose={closeSheet} />}
      <ImportDrop />
    </div>
  );
}
