import { useState } from 'react';
import { ApprovalInbox } from '../components/ApprovalInbox';
import { Playground } from '../components/Playground';
import { SettingsForm } from '../components/SettingsForm';
import { usePlayground } from '../state/playground';
import { RunDetail } from './RunDetail';

/** The playground: run an example agent in the page and watch its run, approvals included. */
export function PlaygroundView() {
  const runId = usePlayground((s) => s.runId);
  const setRunId = usePlayground((s) => s.setRunId);
  const [spanId, setSpanId] = useState<string>();
  return (
    <div className="columns">
      <div className="column">
        <Playground />
        <ApprovalInbox onDecided={(a) => setRunId(a.rootRunId)} />
        <SettingsForm />
      </div>
      <div className="column">
        <RunDetail runId={runId} selectedSpanId={spanId} onSelectSpan={setSpanId} />
      </div>
    </div>
  );
}
