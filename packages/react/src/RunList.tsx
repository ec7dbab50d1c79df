// biome-ignore-all lint/a11y/useSemanticElements: a virtualised grid: rows and cells are positioned divs (aria-activedescendant focus model)
// biome-ignore-all lint/a11y/useFocusableInteractive: the grid body holds focus; rows are its aria-activedescendant
import type { RunRecord } from 'afk/memory';
import {
  type KeyboardEvent as ReactKeyboardEvent,
  type ReactNode,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { formatCost, formatDuration, formatTokens } from './format.js';
import { isTypingTarget } from './keys.js';
import { absoluteTime, RUN_GLYPH, RUN_TONE, relativeTime, runDuration } from './run-format.js';
import { buildRunRows, type RunListRow } from './run-list-model.js';
import { DEFAULT_RUNS_LIMIT, type RunsFilter, useRuns } from './use-runs.js';
import { useVisibleRange } from './virtual-rows.js';

export interface RunListProps {
  /** Which runs (status, agent, text, thread). Default: every top-level run. */
  filter?: Omit<RunsFilter, 'limit'>;
  /** One heading per thread, its runs under it oldest first. Default `false`. */
  groupByThread?: boolean;
  /** The run shown as selected (e.g. the one open beside the list). */
  selectedRunId?: string;
  /** Opens a run (click or Enter). Default: follow its link. */
  onOpen?: (runId: string) => void;
  /** A run's link. Default `#/runs/<runId>` (the devtools app's URL scheme). */
  runHref?: (runId: string) => string;
  /** `j`/`k`/`Enter` work anywhere in the page (never while typing), not only in the focused list. Default `false`. */
  globalKeys?: boolean;
  /** Shown when no run matches. Default: how to get runs. */
  empty?: ReactNode;
  /** Extra content after a run's agent name (the devtools app shows where a bridged run came from). */
  agentBadge?: (runId: string) => ReactNode;
  /** How many runs to load first, and per "load more". Default `200`. */
  pageSize?: number;
}

/** Table row height: fixed, so 10,000 rows are virtualised by arithmetic. Matches `--afk-row`. */
const ROW_HEIGHT = 28;

const defaultHref = (runId: string) => `#/runs/${encodeURIComponent(runId)}`;

/**
 * The runs table: status, agent, first user message, started, duration, steps, tokens, cost,
 * error — virtualised (only the visible rows are in the DOM), live (running rows pulse and
 * their duration ticks), failed rows with their error inline, forks under their origin
 * (`⎇ forked at event N`), a corrupt store row as an error row while every other run renders.
 * Keyboard: `j`/`k` (or arrows) move, `Enter` opens, `Home`/`End`.
 *
 * @example
 * <RunList filter={{ status: ['failed'] }} groupByThread onOpen={(id) => navigate(`#/runs/${id}`)} />
 */
export function RunList({
  filter,
  groupByThread = false,
  selectedRunId,
  onOpen,
  runHref = defaultHref,
  globalKeys = false,
  agentBadge,
  empty,
  pageSize = DEFAULT_RUNS_LIMIT,
}: RunListProps) {
  const [limit, setLimit] = useState(pageSize);
  const state = useRuns({ ...filter, limit });
  const page = state.status === 'ok' ? state.data : undefined;
  const rows = useMemo(() => (page ? buildRunRows(page.items, groupByThread) : []), [page, groupByThread]);
  const bodyRef = useRef<HTMLDivElement>(null);
  const { start, end } = useVisibleRange(bodyRef, rows.length, ROW_HEIGHT);
  const [active, setActive] = useState(-1);
  const anyRunning = useMemo(() => rows.some((r) => r.kind === 'run' && r.run.status === 'running'), [rows]);
  const now = useNow(anyRunning);

  // Keep the highlight on the selected run when the list (re)loads.
  useEffect(() => {
    if (!selectedRunId) return;
    const i = rows.findIndex((r) => r.kind === 'run' && r.run.runId === selectedRunId);
    if (i >= 0) setActive(i);
  }, [rows, selectedRunId]);

  const open = (row: RunListRow | undefined) => {
    if (!row || row.kind === 'thread') return;
    const id = row.kind === 'run' ? row.run.runId : row.runId;
    if (onOpen) onOpen(id);
    else location.assign(runHref(id));
  };

  const move = (to: number) => {
    if (!rows.length) return;
    const i = Math.max(0, Math.min(rows.length - 1, to));
    setActive(i);
    const el = bodyRef.current;
    if (el) {
      const top = i * ROW_HEIGHT;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight)
        el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
    }
  };

  const onKey = (key: string): boolean => {
    switch (key) {
      case 'j':
      case 'ArrowDown':
        move(active + 1);
        return true;
      case 'k':
      case 'ArrowUp':
        move(active < 0 ? 0 : active - 1);
        return true;
      case 'Home':
        move(0);
        return true;
      case 'End':
        move(rows.length - 1);
        return true;
      case 'Enter':
        if (active < 0) return false;
        open(rows[active]);
        return true;
      default:
        return false;
    }
  };
  const keyRef = useRef(onKey);
  keyRef.current = onKey;

  useEffect(() => {
    if (!globalKeys) return;
    const onWindowKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e)) return;
      if (!['j', 'k', 'Enter'].includes(e.key)) return;
      // A focused link or button handles its own Enter.
      if (e.key === 'Enter' && (e.target as HTMLElement | null)?.closest?.('a,button')) return;
      if (keyRef.current(e.key)) e.preventDefault();
    };
    window.addEventListener('keydown', onWindowKey);
    return () => window.removeEventListener('keydown', onWindowKey);
  }, [globalKeys]);

  const onBodyKey = (e: ReactKeyboardEvent) => {
    if (globalKeys && ['j', 'k', 'Enter'].includes(e.key)) return; // the window listener has it
    if (onKey(e.key)) e.preventDefault();
  };

  return (
    <div className="afk-rl" data-testid="run-list">
      <div className="afk-rl-head" aria-hidden="true">
        <span>Status</span>
        <span>Agent</span>
        <span>First message</span>
        <span className="afk-rl-num">Started</span>
        <span className="afk-rl-num">Duration</span>
        <span className="afk-rl-num">Steps</span>
        <span className="afk-rl-num">Tokens</span>
        <span className="afk-rl-num">Cost</span>
        <span>Error</span>
      </div>
      {state.status === 'error' ? (
        <div className="afk-error afk-rl-msg" role="alert" data-testid="run-list-error">
          Runs cannot be listed: {state.error.message}
        </div>
      ) : state.status === 'loading' ? (
        <div className="afk-empty afk-rl-msg">Loading runs…</div>
      ) : rows.length === 0 ? (
        <div className="afk-empty-state" data-testid="run-list-empty">
          {empty ?? (
            <>
              <strong>No runs yet</strong>
              <span>Run an agent in the Playground, or import a run: they appear here live.</span>
            </>
          )}
        </div>
      ) : (
        <div
          ref={bodyRef}
          className="afk-rl-body"
          role="grid"
          aria-label="Runs"
          aria-rowcount={rows.length}
          aria-activedescendant={active >= 0 ? `afk-rl-${active}` : undefined}
          tabIndex={0}
          onKeyDown={onBodyKey}
        >
          <div style={{ height: rows.length * ROW_HEIGHT, position: 'relative' }}>
            {rows.slice(start, end).map((row, i) => (
              <Row
                key={row.key}
                row={row}
                index={start + i}
                active={start + i === active}
                selected={row.kind === 'run' && row.run.runId === selectedRunId}
                href={runHref}
                now={now}
                agentBadge={agentBadge}
                onOpen={() => {
                  setActive(start + i);
                  open(row);
                }}
              />
            ))}
          </div>
        </div>
      )}
      {page?.hasMore && (
        <div className="afk-rl-more">
          <span className="afk-muted">
            Showing the newest {page.items.length.toLocaleString('en-US')} matching runs.
          </span>
          <button
            type="button"
            className="afk-btn"
            data-testid="run-list-more"
            onClick={() => setLimit((l) => l + pageSize)}
          >
            Load {pageSize.toLocaleString('en-US')} more
          </button>
        </div>
      )}
    </div>
  );
}

function Row({
  row,
  index,
  active,
  selected,
  href,
  now,
  onOpen,
  agentBadge,
}: {
  agentBadge: ((runId: string) => ReactNode) | undefined;
  row: RunListRow;
  index: number;
  active: boolean;
  selected: boolean;
  href: (runId: string) => string;
  now: number;
  onOpen: () => void;
}) {
  const style = { top: index * ROW_HEIGHT, height: ROW_HEIGHT };
  const cls = `afk-rl-row${active ? ' is-active' : ''}${selected ? ' is-selected' : ''}`;
  if (row.kind === 'thread')
    return (
      <div
        id={`afk-rl-${index}`}
        role="row"
        className="afk-rl-row afk-rl-thread"
        style={style}
        data-testid="run-thread"
      >
        <span role="gridcell" className="afk-rl-thread-cell">
          <span aria-hidden="true">▾</span> thread <span className="afk-mono">{row.threadId}</span>
          <span className="afk-muted">
            {' '}
            · {row.runs} {row.runs === 1 ? 'run' : 'runs'} · latest{' '}
            <time dateTime={new Date(row.latest).toISOString()} title={absoluteTime(row.latest)}>
              {relativeTime(row.latest, now)}
            </time>
          </span>
        </span>
      </div>
    );
  if (row.kind === 'corrupt')
    return (
      // biome-ignore lint/a11y/useKeyWithClickEvents: the grid handles Enter for the active row
      <div
        id={`afk-rl-${index}`}
        role="row"
        className={`${cls} afk-rl-corrupt`}
        style={style}
        data-testid="run-row-corrupt"
        data-run-id={row.runId}
        onClick={onOpen}
        title={row.message}
      >
        <span role="gridcell" className="afk-badge afk-badge-error">
          ✗ corrupt
        </span>
        <span role="gridcell" className="afk-rl-corrupt-msg">
          <a href={href(row.runId)} tabIndex={-1} onClick={(e) => e.preventDefault()} className="afk-mono">
            {row.runId}
          </a>{' '}
          — this row fails validation and was left untouched: {row.message}
        </span>
      </div>
    );
  const r: RunRecord = row.run;
  const tone = RUN_TONE[r.status];
  const dur = runDuration(r);
  const usage = r.summary?.usage ?? r.result?.usage;
  const err = r.result?.error;
  const input = r.summary?.input;
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the grid handles Enter for the active row
    <div
      id={`afk-rl-${index}`}
      role="row"
      aria-selected={selected}
      className={`${cls}${r.status === 'running' ? ' is-live' : ''}${r.status === 'failed' ? ' is-failed' : ''}`}
      style={style}
      data-testid="run-row"
      data-run-id={r.runId}
      data-status={r.status}
      onClick={onOpen}
    >
      <span role="gridcell">
        <span className={`afk-badge afk-badge-${tone}`}>
          <span className="afk-rl-glyph" aria-hidden="true">
            {RUN_GLYPH[r.status]}
          </span>
          {r.status}
        </span>
      </span>
      <span role="gridcell" className="afk-rl-agent" title={r.agentName}>
        {row.depth === 1 && (
          <span className="afk-rl-fork" aria-hidden="true">
            ↳{' '}
          </span>
        )}
        {r.agentName}
        {agentBadge?.(r.runId)}
      </span>
      <span role="gridcell" className="afk-rl-input">
        {r.forkedFrom && (
          <span
            className="afk-rl-forktag"
            data-testid="run-fork-tag"
            title={`forked from ${r.forkedFrom.runId} at event ${r.forkedFrom.seq}`}
          >
            ⎇ forked at event {r.forkedFrom.seq}
          </span>
        )}
        <a
          href={href(r.runId)}
          tabIndex={-1}
          onClick={(e) => {
            if (e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey) e.preventDefault();
          }}
          title={input ?? r.runId}
        >
          {input ?? <span className="afk-mono afk-muted">{r.runId}</span>}
        </a>
      </span>
      <span role="gridcell" className="afk-rl-num afk-mono">
        <time dateTime={new Date(r.startedAt).toISOString()} title={absoluteTime(r.startedAt)}>
          {relativeTime(r.startedAt, now)}
        </time>
      </span>
      <span role="gridcell" className="afk-rl-num afk-mono">
        {dur !== undefined ? (
          formatDuration(dur)
        ) : r.status === 'running' ? (
          <span className="afk-rl-ticking">{formatDuration(Math.max(0, now - r.startedAt))}</span>
        ) : (
          '—'
        )}
      </span>
      <span role="gridcell" className="afk-rl-num afk-mono">
        {r.summary ? r.summary.steps : '—'}
      </span>
      <span role="gridcell" className="afk-rl-num afk-mono">
        {formatTokens(usage?.totalTokens)}
      </span>
      <span role="gridcell" className="afk-rl-num afk-mono">
        {formatCost(usage?.costUsd)}
      </span>
      <span role="gridcell" className="afk-rl-err" title={err ? `${err.code}: ${err.message}` : undefined}>
        {err ? (
          <>
            <span className="afk-mono">{err.code}</span> {err.message}
          </>
        ) : r.result?.pending?.approvals.length ? (
          <span className="afk-rl-wait">⚑ approval pending</span>
        ) : null}
      </span>
    </div>
  );
}

/** `Date.now()`, re-read every second while `ticking` (live durations), else once. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    if (!ticking) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [ticking]);
  return now;
}
