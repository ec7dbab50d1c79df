import { formatCost, formatDuration, formatTokens } from '@afk/react';
import type { Timeline } from 'afk/debugger';
import type { RunRecord } from 'afk/memory';
import { openRun } from '../../state/selection';

/** One glyph per run state (the hue is the second channel, never the only one). */
export const RUN_STATE_GLYPH: Record<RunRecord['status'], string> = {
  running: '⋯',
  paused: '‖',
  completed: '✓',
  failed: '✗',
  degraded: '⚠',
  cancelled: '◼',
  interrupted: '‖',
};

const STATE_HUE: Record<RunRecord['status'], string> = {
  running: 'running',
  paused: 'paused',
  completed: 'ok',
  failed: 'error',
  degraded: 'error',
  cancelled: 'skipped',
  interrupted: 'paused',
};

/**
 * The run's facts in one band: agent, state (glyph + hue), started, duration, steps, tokens,
 * cost, thread, "forked from", and — when it failed — the error code and message, prominently.
 */
export function RunHeader({ run, timeline }: { run: RunRecord; timeline: Timeline | undefined }) {
  const steps = timeline?.root.children.filter((s) => s.kind === 'step').length;
  const end = timeline?.endTs ?? (run.status === 'running' ? undefined : run.updatedAt);
  const usage = timeline?.usage ?? run.result?.usage;
  const error = run.result?.error;
  return (
    <header className="run-header">
      <div className="run-header-title">
        <h2 id="run-title">
          <span className="run-agent">{run.agentName}</span>{' '}
          <span className="mono run-id" data-testid="run-id" title="run id">
            {run.runId}
          </span>
        </h2>
        <span className={`run-state afk-status-${STATE_HUE[run.status]}`}>
          <span aria-hidden="true">{RUN_STATE_GLYPH[run.status]}</span>{' '}
          <span data-testid="run-state">{run.status}</span>
        </span>
      </div>
      <dl className="run-facts">
        <Fact
          label="started"
          value={new Date(run.startedAt).toLocaleTimeString()}
          title={new Date(run.startedAt).toISOString()}
        />
        <Fact label="duration" value={end === undefined ? 'running…' : formatDuration(end - run.startedAt)} />
        <Fact label="steps" value={steps === undefined ? '—' : String(steps)} />
        <Fact label="tokens" value={formatTokens(usage?.totalTokens)} testId="run-tokens" />
        <Fact label="cost" value={formatCost(usage?.costUsd)} testId="run-cost" />
        <Fact label="thread" value={run.threadId} mono />
        {run.forkedFrom && (
          <div>
            <dt>forked from</dt>
            <dd>
              <a
                href={`#/runs/${encodeURIComponent(run.forkedFrom.runId)}`}
                className="mono"
                data-testid="forked-from"
                onClick={(e) => {
                  e.preventDefault();
                  if (run.forkedFrom) openRun(run.forkedFrom.runId);
                }}
              >
                ⋔ {run.forkedFrom.runId} @ seq {run.forkedFrom.seq}
              </a>
            </dd>
          </div>
        )}
      </dl>
      {error && (
        <div className="run-failure" role="alert" data-testid="run-error">
          <strong className="mono">{error.code}</strong> <span>{error.message}</span>
        </div>
      )}
    </header>
  );
}

function Fact({
  label,
  value,
  title,
  mono,
  testId,
}: {
  label: string;
  value: string;
  title?: string;
  mono?: boolean;
  testId?: string;
}) {
  return (
    <div>
      <dt>{label}</dt>
      <dd className={mono ? 'mono' : 'num'} title={title} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
