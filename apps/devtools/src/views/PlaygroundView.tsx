import { useApprovals } from '@afk/react';
import { useMemo, useState } from 'react';
import { ApprovalInbox } from '../components/ApprovalInbox';
import { StreamPanel } from '../components/EventList';
import { Playground } from '../components/Playground';
import { SettingsForm } from '../components/SettingsForm';
import { ExampleSuite } from '../evals/ExampleSuite';
import { usePlayground } from '../state/playground';
import { RunDetail } from './RunDetail';

/**
 * The playground: run an example agent in the page and watch its own run — the stream, the
 * approvals it waits on, the timeline. The run shown is the playground's (this tab's), never the
 * one selected elsewhere.
 */
export function PlaygroundView() {
  const runId = usePlayground((s) => s.runId);
  const [spanId, setSpanId] = useState<string>();
  return (
    <div className="columns">
      <div className="column">
        <Playground />
        {runId && <RunApprovals runId={runId} />}
        <StreamPanel />
        <ExampleSuite />
        <SettingsForm />
      </div>
      <div className="column">
        <RunDetail runId={runId} selectedSpanId={spanId} onSelectSpan={setSpanId} />
      </div>
    </div>
  );
}

/** The approvals of the playground's run, above its stream; absent while it has none. */
function RunApprovals({ runId }: { runId: string }) {
  const filter = useMemo(() => ({ runId }), [runId]);
  const { approvals } = useApprovals(filter);
  if (approvals.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="pg-approvals-title" data-testid="playground-approvals">
      <h2 id="pg-approvals-title">Approvals of this run</h2>
      <ApprovalInbox filter={filter} />
    </section>
  );
}
