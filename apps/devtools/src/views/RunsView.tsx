import { RunList } from '@afk/react';
import type { RunStatus } from 'afk/core';
import { RunSource } from '../bridge/RunSource';
import { store } from '../runtime';
import { formatRoute, useRoute } from '../state/route';
import { openRun } from '../state/selection';
import { useStoreQuery } from '../state/use-store-query';
import './runs-view.css';

const STATUSES: ReadonlyArray<{ value: string; label: string }> = [
  { value: '', label: 'Any status' },
  { value: 'running', label: '● running' },
  { value: 'completed', label: '✓ completed' },
  { value: 'failed', label: '✗ failed' },
  { value: 'interrupted', label: '‖ interrupted' },
  { value: 'paused', label: '‖ paused' },
  { value: 'degraded', label: '⚠ degraded' },
  { value: 'cancelled', label: '◼ cancelled' },
];

/** Agent names of the newest 2,000 runs (raw rows of the `startedAt` index: no validation, no events). */
async function recentAgents(): Promise<string[]> {
  const rows: unknown[] = await store.dexie.runs.orderBy('startedAt').reverse().limit(2000).toArray();
  const names = new Set<string>();
  for (const r of rows) {
    const n = typeof r === 'object' && r !== null ? (r as { agentName?: unknown }).agentName : undefined;
    if (typeof n === 'string') names.add(n);
  }
  return [...names].sort();
}

/**
 * `#/runs?status=failed&agent=calc&q=text&group=thread`: the store's runs, newest first,
 * filtered and grouped as the URL says (reload and back/forward restore it).
 */
export function RunsView() {
  const route = useRoute((s) => s.route);
  const navigate = useRoute((s) => s.navigate);
  const params = route.view === 'runs' ? route.params : {};
  const agents = useStoreQuery('runs:agents', 'all', recentAgents);
  const status = params.status ?? '';
  const agent = params.agent ?? '';
  const q = params.q ?? '';
  const group = params.group === 'thread';

  const set = (patch: Record<string, string>) =>
    navigate({ view: 'runs', params: { ...params, ...patch } }, { replace: 'q' in patch });

  const statuses = status ? (status.split(',').filter(Boolean) as RunStatus[]) : undefined;
  const filtered = Boolean(status || agent || q);
  return (
    <div className="runs-view">
      <div className="runs-toolbar" role="toolbar" aria-label="Filter runs">
        <select
          className="afk-select"
          aria-label="Status"
          data-testid="filter-status"
          value={status}
          onChange={(e) => set({ status: e.target.value })}
        >
          {STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        <select
          className="afk-select"
          aria-label="Agent"
          data-testid="filter-agent"
          value={agent}
          onChange={(e) => set({ agent: e.target.value })}
        >
          <option value="">Any agent</option>
          {agent && !agents?.includes(agent) && <option value={agent}>{agent}</option>}
          {agents?.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        <input
          type="search"
          className="afk-input runs-text"
          aria-label="Filter by run id, agent or first message"
          data-testid="filter-text"
          placeholder="Filter by id, agent, first message…"
          value={q}
          onChange={(e) => set({ q: e.target.value })}
        />
        <label className="runs-check">
          <input
            type="checkbox"
            className="afk-check"
            data-testid="group-thread"
            checked={group}
            onChange={(e) => set({ group: e.target.checked ? 'thread' : '' })}
          />
          Group by thread
        </label>
        <span className="runs-spacer" />
        {filtered && (
          <button
            type="button"
            className="afk-btn"
            data-testid="clear-filters"
            onClick={() => navigate({ view: 'runs', params: group ? { group: 'thread' } : {} })}
          >
            Clear filters
          </button>
        )}
        <span className="hint runs-keys">
          <kbd className="afk-kbd">j</kbd> <kbd className="afk-kbd">k</kbd> move ·{' '}
          <kbd className="afk-kbd">Enter</kbd> open
        </span>
      </div>
      <RunList
        filter={{
          ...(statuses ? { status: statuses } : {}),
          ...(agent ? { agent } : {}),
          ...(q ? { text: q } : {}),
        }}
        groupByThread={group}
        globalKeys
        agentBadge={(runId) => <RunSource runId={runId} />}
        onOpen={(runId) => openRun(runId)}
        runHref={(runId) => formatRoute({ view: 'run', runId })}
        empty={
          filtered ? (
            <>
              <strong>No run matches these filters</strong>
              <span>Change the status, agent or text filter, or clear them.</span>
            </>
          ) : undefined
        }
      />
    </div>
  );
}
