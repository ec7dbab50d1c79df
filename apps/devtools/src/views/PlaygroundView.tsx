import { useState } from 'react';
import { ApprovalInbox } from '../components/ApprovalInbox';
import { Playground } from '../components/Playground';
import { SettingsForm } from '../components/SettingsForm';
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
        <section className="panel" aria-labelledby="pg-approvals-title">
          <h2 id="pg-approvals-title">Approvals of this run</h2>
          {runId ? (
            <ApprovalInbox filter={{ runId }} />
          ) : (
            <p className="hint">Approvals of the playground's run appear here.</p>
          )}
        </section>
        <SettingsForm />
      </div>
      <div className="column">
        <RunDetail runId={runId} selectedSpanId={spanId} onSelectSpan={setSpanId} />
      </div>
    </div>
  );
}
