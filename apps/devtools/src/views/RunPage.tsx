import { SaveCaseForRun } from '../evals/SaveCaseForRun';
import { openRun } from '../state/selection';
import { RunDetail } from './RunDetail';

/** `#/runs/<runId>/span/<spanId>`: one run, its selection in the URL; `[` `]` step through spans. */
export function RunPage({ runId, spanId }: { runId: string; spanId: string | undefined }) {
  return (
    <div className="run-page">
      <RunDetail
        runId={runId}
        selectedSpanId={spanId}
        onSelectSpan={(s) => openRun(runId, s, { replace: true })}
        keyboard
        actions={<SaveCaseForRun runId={runId} />}
      />
    </div>
  );
}
