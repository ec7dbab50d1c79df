import { RunList } from '../components/RunList';
import { store } from '../runtime';
import { useStoreQuery } from '../state/use-store-query';

async function listRootRuns() {
  const runs = await store.listRuns({ limit: 200 });
  return runs.filter((r) => r.parentRunId === undefined).sort((a, b) => b.startedAt - a.startedAt);
}

/** `#/runs`: every top-level run in the store, newest first. */
export function RunsView() {
  const runs = useStoreQuery('runs', 'all', listRootRuns);
  return (
    <div className="columns">
      <RunList runs={runs} currentRunId={undefined} />
    </div>
  );
}
