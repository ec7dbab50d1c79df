import { ForkDialog, forkPlan } from '@afk/react';
import type { Span, Timeline } from 'afk/debugger';
import type { RunRecord } from 'afk/memory';
import { type ReactNode, useState } from 'react';
import { openRun } from '../../state/selection';
import { useStoreQuery } from '../../state/use-store-query';
import { ComparePicker } from './ComparePicker';
import { ImportButton } from './ImportDrop';
import { debuggerOf, downloadExport, forkAndRun, pageAgentNamed } from './run-actions';

export interface RunToolbarProps {
  run: RunRecord;
  timeline: Timeline;
  selected: Span | undefined;
  /** Extra actions (the evals work adds "save as eval case" here). */
  children?: ReactNode;
}

/** [fork from here] [compare with…] [export] [import] and a slot for more. */
export function RunToolbar({ run, timeline, selected, children }: RunToolbarProps) {
  const [dialog, setDialog] = useState<'fork' | 'compare'>();
  const [status, setStatus] = useState<string>();
  const plan = selected ? forkPlan(timeline, selected) : undefined;
  const forkable = plan !== undefined && run.status !== 'running';
  const firstUser = useStoreQuery(`first-user:${run.runId}`, run.runId, async () => {
    const v = await debuggerOf.stateAt(run.runId, 0);
    const user = [...v.messages].reverse().find((m) => m.role === 'user');
    return user && typeof user.content === 'string' ? user.content : '';
  });
  const hasAgent = pageAgentNamed(run.agentName) !== undefined;
  return (
    <div className="run-toolbar" role="toolbar" aria-label="Run actions">
      <button
        type="button"
        className="afk-btn"
        disabled={!forkable}
        title={
          forkable
            ? 'Continue from the selected step as a new run'
            : run.status === 'running'
              ? 'Wait for the run to stop'
              : 'Select a step, model call or tool call of this run'
        }
        onClick={() => setDialog('fork')}
        data-testid="fork-button"
      >
        ⋔ Fork from here
      </button>
      <button
        type="button"
        className="afk-btn"
        onClick={() => setDialog('compare')}
        data-testid="compare-button"
      >
        ⇄ Compare with…
      </button>
      <button
        type="button"
        className="afk-btn"
        data-testid="export-button"
        onClick={() => {
          setStatus(undefined);
          downloadExport(run.runId, run.agentName).catch((err: unknown) =>
            setStatus(`Export failed: ${err instanceof Error ? err.message : String(err)}`),
          );
        }}
      >
        ⤓ Export
      </button>
      <ImportButton />
      {children}
      {status && (
        <span className="error" role="alert">
          {status}
        </span>
      )}
      {dialog === 'fork' && plan && (
        <ForkDialog
          plan={plan}
          userMessage={firstUser}
          note={
            hasAgent
              ? undefined
              : `No agent named “${run.agentName}” in this page: the fork will be created but not run.`
          }
          onClose={() => setDialog(undefined)}
          onFork={async (req) => {
            const out = await forkAndRun(run.runId, run.agentName, req);
            setDialog(undefined);
            openRun(out.runId);
          }}
        />
      )}
      {dialog === 'compare' && (
        <ComparePicker runId={run.runId} agentName={run.agentName} onClose={() => setDialog(undefined)} />
      )}
    </div>
  );
}
