import type { AgentResult, ApprovalDecision, ApprovalRequest } from 'afk/core';
import {
  createRef,
  Fragment,
  type RefObject,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { ApprovalCard, type ApprovalCardHandle } from './ApprovalCard.js';
import { DecisionRefusal, type Refusal } from './DecisionRefusal.js';
import { APPROVAL_INBOX_KEYS, inboxKeyAction } from './inbox-keys.js';
import type { RunHosts } from './run-hosts.js';
import {
  type ApprovalsFilter,
  type DecideOutcome,
  matchesApprovalFilter,
  type RemoteDecisions,
  useApprovals,
} from './use-approvals.js';

/** The inbox's tabs. */
export type ApprovalTab = 'pending' | 'decided' | 'expired';

export interface ApprovalInboxProps {
  /** Only these approvals (e.g. `{ runId }` for one run's); default all. */
  filter?: ApprovalsFilter;
  /** The open tab (controlled); default: internal state starting at 'pending'. */
  tab?: ApprovalTab;
  onTabChange?(tab: ApprovalTab): void;
  /** The selected approval (controlled); keyboard shortcuts act on it. */
  selectedId?: string | undefined;
  onSelect?(approvalId: string | undefined): void;
  /** Continues a run after its last approval was decided (see `useApprovals`). */
  resume?: (approval: ApprovalRequest) => Promise<AgentResult>;
  /** Tab ownership: runs hosted in another tab are left to it. */
  hosts?: RunHosts;
  /** Runs another process executes (bridged Node runs): decisions are sent there. */
  remote?: RemoteDecisions;
  /** Where a run (and a span of it) is shown; default `#/runs/<runId>[/span/<spanId>]`. */
  runHref?(runId: string, spanId?: string): string;
  /**
   * Where `j`/`k`/`a`/`r`/`e`/`Enter` are heard: 'document' (a full-page app) or 'inbox' (focus
   * inside the inbox; the default, so a host page's keys are left alone).
   */
  shortcuts?: 'document' | 'inbox';
  /** Called after each decision with what happened to the run. */
  onDecided?(approval: ApprovalRequest, outcome: DecideOutcome): void;
  /** What the empty Pending tab says; default: a pointer to the devtools Playground. */
  emptyText?: string;
}

const TABS: ReadonlyArray<{ id: ApprovalTab; label: string }> = [
  { id: 'pending', label: 'Pending' },
  { id: 'decided', label: 'Decided' },
  { id: 'expired', label: 'Expired' },
];

const defaultHref = (runId: string, spanId?: string) =>
  `#/runs/${encodeURIComponent(runId)}${spanId ? `/span/${encodeURIComponent(spanId)}` : ''}`;

function tabOf(a: ApprovalRequest): ApprovalTab {
  return a.status === 'pending' ? 'pending' : a.status === 'expired' ? 'expired' : 'decided';
}

/** True when a key event comes from somewhere the user types (never a shortcut there). */
function typing(e: KeyboardEvent): boolean {
  const el = (e.composedPath()[0] ?? e.target) as HTMLElement | null;
  if (!el || !(el instanceof HTMLElement)) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

type Notice = { approvalId: string; tone: 'info' | 'ok' | 'error'; text: string };

function outcomeText(a: ApprovalRequest, o: DecideOutcome): Notice {
  switch (o.kind) {
    case 'resumed':
      return o.result.error
        ? {
            approvalId: a.id,
            tone: 'error',
            text: `Resumed here; the run ended ${o.result.state}: ${o.result.error.code}: ${o.result.error.message}`,
          }
        : { approvalId: a.id, tone: 'ok', text: `Resumed here; the run is ${o.result.state}.` };
    case 'elsewhere':
      return {
        approvalId: a.id,
        tone: 'info',
        text: 'Decided. The run is running in another tab; it continues there.',
      };
    case 'waiting':
      return {
        approvalId: a.id,
        tone: 'info',
        text: `Decided. ${o.pending} more approval${o.pending === 1 ? '' : 's'} of this run wait${o.pending === 1 ? 's' : ''}.`,
      };
    case 'recorded':
      return { approvalId: a.id, tone: 'info', text: 'Decided. The run continues when it is resumed.' };
    case 'remote':
      return { approvalId: a.id, tone: 'ok', text: `Decided; ${o.by} resumes it.` };
  }
}

/**
 * The approvals inbox: every request in the store, across threads and tabs, in Pending / Decided
 * / Expired tabs. Each card shows the tool and what it does, who asked, the rule and reason, the
 * args as a form generated from the tool's JSON Schema (or JSON), validated live; approve once or
 * always for the tool (in that run), approve with edits, reject with a reason, respond. Needs an
 * `AfkProvider` with a `runner`.
 *
 * @example
 * <ApprovalInbox resume={(a) => runner.resume(agent, { runId: a.rootRunId, threadId: a.threadId })} />
 */
export function ApprovalInbox(props: ApprovalInboxProps) {
  const { resume, hosts, remote, runHref = defaultHref, shortcuts = 'inbox', onDecided } = props;
  const [ownTab, setOwnTab] = useState<ApprovalTab>('pending');
  const tab = props.tab ?? ownTab;
  const [ownSelected, setOwnSelected] = useState<string>();
  const selectedId = props.selectedId !== undefined || props.onSelect ? props.selectedId : ownSelected;
  const select = useCallback(
    (id: string | undefined) => (props.onSelect ? props.onSelect(id) : setOwnSelected(id)),
    [props.onSelect],
  );
  const setTab = (t: ApprovalTab) => (props.onTabChange ? props.onTabChange(t) : setOwnTab(t));
  const [onlyThread, setOnlyThread] = useState(false);
  const [busy, setBusy] = useState<string>();
  const [notice, setNotice] = useState<Notice>();
  const [refusals, setRefusals] = useState<Readonly<Record<string, Refusal>>>({});
  const dropRefusal = useCallback(
    (id: string) =>
      setRefusals((r) => {
        if (!(id in r)) return r;
        const { [id]: _, ...rest } = r;
        return rest;
      }),
    [],
  );
  const [now, setNow] = useState(() => Date.now());
  const rootRef = useRef<HTMLElement>(null);
  const {
    state,
    approvals: all,
    decide,
  } = useApprovals(undefined, {
    ...(resume ? { resume } : {}),
    ...(hosts ? { hosts } : {}),
    ...(remote ? { remote } : {}),
  });

  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(t);
  }, []);

  const filter = props.filter;
  const approvals = useMemo(
    () => (filter ? all.filter((a) => matchesApprovalFilter(a, filter)) : all),
    [all, filter],
  );
  const selected = approvals.find((a) => a.id === selectedId);
  const threadId = onlyThread ? selected?.threadId : undefined;
  const counts = useMemo(() => {
    const c: Record<ApprovalTab, number> = { pending: 0, decided: 0, expired: 0 };
    for (const a of approvals) if (!threadId || a.threadId === threadId) c[tabOf(a)]++;
    return c;
  }, [approvals, threadId]);
  const visible = useMemo(() => {
    const list = approvals.filter((a) => tabOf(a) === tab && (!threadId || a.threadId === threadId));
    // Pending: oldest first (first come, first decided); decided and expired: newest first.
    return tab === 'pending' ? list : list.reverse();
  }, [approvals, tab, threadId]);

  const handles = useRef(new Map<string, RefObject<ApprovalCardHandle | null>>());
  const handleOf = (id: string) => {
    const known = handles.current.get(id);
    if (known) return known;
    const h = createRef<ApprovalCardHandle>();
    handles.current.set(id, h);
    return h;
  };

  const onDecide = useCallback(
    async (a: ApprovalRequest, d: ApprovalDecision) => {
      setBusy(a.id);
      dropRefusal(a.id);
      const owner = remote?.ownerOf(a);
      setNotice({
        approvalId: a.id,
        tone: 'info',
        text:
          owner === undefined
            ? `Deciding ${a.toolName}…`
            : `Sent to ${owner}; waiting for its answer on ${a.toolName}…`,
      });
      try {
        const outcome = await decide(a, d);
        setNotice(outcomeText(a, outcome));
        onDecided?.(a, outcome);
      } catch (err) {
        const e = err as { code?: string; message?: string };
        const message = e.message ?? String(err);
        // The reason itself shows under the card (it stays there; the notice is replaced).
        setNotice({
          approvalId: a.id,
          tone: 'error',
          text: `Not decided${e.code ? ` (${e.code})` : ''}: the reason is under the ${a.toolName} card.`,
        });
        setRefusals((r) => ({ ...r, [a.id]: { ...(e.code ? { code: e.code } : {}), message } }));
      } finally {
        setBusy(undefined);
      }
    },
    [decide, onDecided, remote, dropRefusal],
  );

  // Keyboard (APPROVAL_INBOX_KEYS): j/k move, a approve (Enter confirms), r reject, e edit, Esc cancel.
  const visibleRef = useRef(visible);
  visibleRef.current = visible;
  useEffect(() => {
    const target: Document | HTMLElement | null = shortcuts === 'document' ? document : rootRef.current;
    if (!target) return;
    let gAt = 0;
    const onKey = (ev: Event) => {
      const e = ev as KeyboardEvent;
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
      // `g a` (go to approvals) and friends are the app's chords, not an approve.
      const chord = performance.now() - gAt < 1000;
      gAt = e.key === 'g' ? performance.now() : 0;
      if (chord) return;
      const list = visibleRef.current;
      const i = list.findIndex((a) => a.id === selectedId);
      const current = i >= 0 ? list[i] : undefined;
      const h = current ? handles.current.get(current.id)?.current : undefined;
      const el = (e.composedPath()[0] ?? e.target) as HTMLElement | null;
      if (e.key === 'Enter' && el && (el.tagName === 'BUTTON' || el.tagName === 'A')) return;
      switch (inboxKeyAction(e.key)) {
        case 'next':
        case 'previous': {
          const step = e.key === 'j' ? 1 : -1;
          const next = list[Math.min(list.length - 1, Math.max(0, i < 0 ? 0 : i + step))];
          if (next) select(next.id);
          break;
        }
        case 'approve':
          h?.armApprove();
          break;
        case 'reject':
          h?.focusReject();
          break;
        case 'edit':
          h?.edit();
          break;
        case 'confirm':
          h?.confirm();
          break;
        case 'cancel':
          h?.disarm();
          return;
        default:
          return;
      }
      e.preventDefault();
    };
    target.addEventListener('keydown', onKey);
    return () => target.removeEventListener('keydown', onKey);
  }, [shortcuts, selectedId, select]);

  // Keep the selected card in view as j/k move.
  useEffect(() => {
    if (!selectedId) return;
    const el = rootRef.current?.querySelector(`[data-approval-id="${CSS.escape(selectedId)}"]`);
    el?.scrollIntoView?.({ block: 'nearest' });
  }, [selectedId]);

  return (
    <section
      className="afk-approval-inbox"
      ref={rootRef}
      data-testid="approval-inbox"
      aria-label="Approvals"
      // Keys heard inside the inbox: a click anywhere in it (a card, its text) focuses it.
      tabIndex={shortcuts === 'inbox' ? -1 : undefined}
    >
      <div className="afk-approval-bar">
        <div role="tablist" aria-label="Approval status">
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              className="afk-btn"
              aria-selected={tab === t.id}
              data-testid={`approvals-tab-${t.id}`}
              onClick={() => setTab(t.id)}
            >
              {t.label}{' '}
              <span
                className={`afk-count${t.id === 'pending' && counts.pending > 0 ? ' is-alert' : ''}`}
                data-testid={`approvals-count-${t.id}`}
              >
                {counts[t.id]}
              </span>
            </button>
          ))}
        </div>
        <label
          className="afk-small"
          title={selected ? `thread ${selected.threadId}` : 'Select an approval first'}
        >
          <input
            type="checkbox"
            className="afk-check"
            data-testid="only-this-thread"
            checked={onlyThread}
            disabled={!selected && !onlyThread}
            onChange={(e) => setOnlyThread(e.target.checked)}
          />{' '}
          only this thread
        </label>
      </div>
      {notice && (
        <p
          className={`afk-approval-notice afk-tone-${notice.tone}`}
          role="status"
          data-testid="decision-notice"
        >
          {notice.text}
        </p>
      )}
      {state.status === 'error' ? (
        <p className="afk-approval-error" role="alert">
          The approvals cannot be read: {state.error.message}
        </p>
      ) : state.status === 'loading' ? (
        <p className="afk-muted">Loading…</p>
      ) : visible.length === 0 ? (
        <p className="afk-empty" data-testid="approvals-empty">
          {tab === 'pending'
            ? props.emptyText !== undefined
              ? props.emptyText
              : filter
                ? 'Nothing here waits for a decision.'
                : 'Nothing waits for a decision. Runs that need a human pause here — try the “Send needs approval” agent in the Playground.'
            : tab === 'decided'
              ? 'No decisions yet.'
              : 'No expired requests.'}
        </p>
      ) : (
        <div className="afk-approval-list">
          {visible.map((a) => {
            const refusal = refusals[a.id];
            return (
              <Fragment key={a.id}>
                <ApprovalCard
                  approval={a}
                  selected={a.id === selectedId}
                  onSelect={() => select(a.id)}
                  now={now}
                  runHref={runHref}
                  onDecide={onDecide}
                  busy={busy === a.id}
                  handle={handleOf(a.id)}
                />
                {refusal && (
                  <DecisionRefusal approval={a} refusal={refusal} onDismiss={() => dropRefusal(a.id)} />
                )}
              </Fragment>
            );
          })}
        </div>
      )}
      <p className="afk-keys-help afk-muted afk-small">
        {APPROVAL_INBOX_KEYS.map((k, i) => (
          <span key={k.key}>
            {i > 0 && ' · '}
            <kbd className="afk-kbd">{k.label}</kbd> {k.short}
          </span>
        ))}
      </p>
    </section>
  );
}
