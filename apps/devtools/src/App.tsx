import { ApprovalInbox } from './components/ApprovalInbox';
import { Playground } from './components/Playground';
import { RunDetail } from './components/RunDetail';
import { RunList } from './components/RunList';
import { SettingsForm } from './components/SettingsForm';
import { store } from './runtime';
import { useSelection } from './state/selection';
import { useStoreQuery } from './state/use-store-query';

async function listRootRuns() {
  const runs = await store.listRuns({ limit: 50 });
  return runs.filter((r) => r.parentRunId === undefined).sort((a, b) => b.startedAt - a.startedAt);
}

export function App() {
  const runs = useStoreQuery('runs', 'all', listRootRuns);
  const selectedRunId = useSelection((s) => s.selectedRunId);
  const currentRunId = selectedRunId ?? runs?.[0]?.runId;

  return (
    <div className="app">
      <header>
        <h1>AFK devtools</h1>
        <span className="hint">runs, approvals and a playground, on this origin's IndexedDB</span>
      </header>
      <main className="columns">
        <div className="column">
          <Playground />
          <SettingsForm />
        </div>
        <div className="column">
          <ApprovalInbox />
          <RunDetail runId={currentRunId} />
          <RunList runs={runs} currentRunId={currentRunId} />
        </div>
      </main>
    </div>
  );
}
