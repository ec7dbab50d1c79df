import type { ApprovalDecision, ApprovalRequest } from 'afk/core';
import { validateApprovalEdit } from 'afk/core/approval-edit';
import { Debugger, type Span } from 'afk/debugger';
import { type Ref, useImperativeHandle, useMemo, useRef, useState } from 'react';
import { ApprovalArgs, issuesByField, textsFor } from './ApprovalArgs.js';
import { formFields, type JSONValue, parseField, sameJSON } from './approval-form.js';
import { useAfk } from './context.js';
import { absoluteTime, relativeTime } from './relative-time.js';
import { useStoreQuery } from './use-store-query.js';

/** What the inbox's keyboard shortcuts do to the selected card. */
export interface ApprovalCardHandle {
  armApprove(): void;
  focusReject(): void;
  edit(): void;
  confirm(): void;
  disarm(): void;
}

export interface ApprovalCardProps {
  approval: ApprovalRequest;
  selected: boolean;
  onSelect(): void;
  now: number;
  runHref(runId: string, spanId?: string): string;
  onDecide(approval: ApprovalRequest, decision: ApprovalDecision): void;
  busy: boolean;
  handle?: Ref<ApprovalCardHandle>;
}

const BADGE: Record<ApprovalRequest['status'], string> = {
  pending: 'afk-badge-paused',
  approved: 'afk-badge-ok',
  edited: 'afk-badge-ok',
  responded: 'afk-badge-ok',
  rejected: 'afk-badge-error',
  expired: 'afk-badge-error',
};

/** A crash-recovery question ("did this happen?"), not an ordinary request. */
export function isCrashQuestion(a: ApprovalRequest): boolean {
  return a.kind === 'approval' && a.allowedDecisions.includes('respond');
}

function asObject(v: JSONValue): { [k: string]: JSONValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
}

/** One approval request: what is asked, the args (form or JSON, editable when allowed) and the decisions. */
export function ApprovalCard({
  approval: a,
  selected,
  onSelect,
  now,
  runHref,
  onDecide,
  busy,
  handle,
}: ApprovalCardProps) {
  const pending = a.status === 'pending';
  const crash = isCrashQuestion(a);
  const canEdit = pending && a.allowedDecisions.includes('edit');
  const fields = useMemo(() => formFields(a.argsSchema, a.args), [a.argsSchema, a.args]);
  const [mode, setMode] = useState<'form' | 'json'>(fields ? 'form' : 'json');
  const [texts, setTexts] = useState(() => textsFor(fields, a.args));
  const [json, setJson] = useState(() => JSON.stringify(a.args, null, 2));
  const [reason, setReason] = useState('');
  const [answer, setAnswer] = useState('');
  const [armed, setArmed] = useState<'approve' | undefined>();
  const rejectRef = useRef<HTMLInputElement | null>(null);
  const firstField = useRef<HTMLElement | null>(null);

  // The candidate args: the form's (or the JSON's) values, with what cannot be read reported.
  const { candidate, fieldErrors, rootErrors } = useMemo(() => {
    const fieldErrors: Record<string, string> = {};
    const rootErrors: string[] = [];
    let candidate: JSONValue = a.args;
    if (mode === 'json' || !fields) {
      try {
        candidate = JSON.parse(json) as JSONValue;
      } catch (e) {
        rootErrors.push(`Not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
        return { candidate: undefined, fieldErrors, rootErrors };
      }
    } else {
      const next: { [k: string]: JSONValue } = { ...asObject(a.args) };
      for (const f of fields) {
        const r = parseField(f, texts[f.name] ?? '');
        if (!r.ok) fieldErrors[f.name] = r.message;
        else if (r.value === undefined) delete next[f.name];
        else next[f.name] = r.value;
      }
      candidate = next;
      if (Object.keys(fieldErrors).length) return { candidate: undefined, fieldErrors, rootErrors };
    }
    const check = validateApprovalEdit(a, candidate);
    if (!check.ok) {
      for (const [k, m] of issuesByField(check.issues)) {
        if (k && fields?.some((f) => f.name === k) && mode === 'form') fieldErrors[k] = m;
        else rootErrors.push(k ? `${k}: ${m}` : m);
      }
    }
    return { candidate, fieldErrors, rootErrors };
  }, [a, fields, mode, texts, json]);

  const valid = candidate !== undefined && rootErrors.length === 0 && Object.keys(fieldErrors).length === 0;
  const editedArgs = candidate === undefined || !sameJSON(candidate, a.args);
  const editedFields = useMemo(() => {
    const out = new Set<string>();
    if (!candidate) return out;
    const before = asObject(a.args);
    const after = asObject(candidate);
    for (const f of fields ?? []) if (!sameJSON(before[f.name], after[f.name])) out.add(f.name);
    return out;
  }, [candidate, a.args, fields]);

  const decide = (d: ApprovalDecision) => {
    setArmed(undefined);
    onDecide(a, d);
  };
  const approve = () => {
    if (!a.allowedDecisions.includes('approve') && !canEdit) return;
    if (editedArgs) {
      if (canEdit && valid && candidate !== undefined) decide({ kind: 'edit', args: candidate });
      return;
    }
    decide({ kind: 'approve', scope: 'once' });
  };
  const reject = () => decide(reason.trim() ? { kind: 'reject', reason: reason.trim() } : { kind: 'reject' });
  const respond = () => {
    let value: JSONValue = answer;
    try {
      value = JSON.parse(answer) as JSONValue;
    } catch {
      // plain text answer
    }
    decide({ kind: 'respond', value });
  };

  const switchMode = (next: 'form' | 'json') => {
    if (next === 'json' && candidate !== undefined) setJson(JSON.stringify(candidate, null, 2));
    if (next === 'form') {
      try {
        setTexts(textsFor(fields, JSON.parse(json) as JSONValue));
      } catch {
        return; // keep the JSON editor until it parses
      }
    }
    setMode(next);
  };

  useImperativeHandle(handle, () => ({
    armApprove: () => {
      if (pending && (a.allowedDecisions.includes('approve') || (editedArgs && canEdit))) setArmed('approve');
    },
    focusReject: () => rejectRef.current?.focus(),
    edit: () => firstField.current?.focus(),
    confirm: () => {
      if (armed === 'approve') approve();
    },
    disarm: () => setArmed(undefined),
  }));

  const idPrefix = `afk-apr-${a.id}`;
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: selection by keyboard is the inbox's j/k
    <article
      className={`afk-approval-card${selected ? ' afk-selected' : ''}`}
      data-testid="approval-item"
      data-approval-id={a.id}
      data-status={a.status}
      aria-current={selected ? 'true' : undefined}
      aria-labelledby={`${idPrefix}-title`}
      onClick={onSelect}
    >
      <header className="afk-approval-head">
        <h3 id={`${idPrefix}-title`} className="afk-mono">
          {crash ? `Did ${a.toolName} happen?` : a.toolName}
        </h3>
        <span className="afk-muted">{a.agentPath}</span>
        <a
          className="afk-mono"
          href={runHref(a.rootRunId)}
          data-testid="approval-run-link"
          title={`Open run ${a.rootRunId}`}
        >
          {a.rootRunId.slice(0, 12)}…
        </a>
        <time
          className="afk-muted"
          dateTime={new Date(a.createdAt).toISOString()}
          title={absoluteTime(a.createdAt)}
        >
          {relativeTime(a.createdAt, now)}
        </time>
        <span className={`afk-badge afk-approval-status ${BADGE[a.status]}`} data-testid="approval-status">
          {a.status}
        </span>
      </header>
      {a.toolDescription && (
        <p className="afk-approval-desc" data-testid="tool-description">
          “{a.toolDescription}”
        </p>
      )}
      {crash && <CrashNote approval={a} />}
      {!a.ruleId && !a.reason && !crash && a.kind === 'approval' && (
        <p className="afk-approval-rule afk-small" data-testid="approval-rule">
          rule: the tool's <span className="afk-mono">needsApproval</span>
        </p>
      )}
      {(a.ruleId || a.reason) && (
        <p className="afk-approval-rule afk-small" data-testid="approval-rule">
          {a.ruleId && (
            <>
              rule: <span className="afk-mono">{a.ruleId}</span>
            </>
          )}
          {a.ruleId && a.reason && ' · '}
          {a.reason}
        </p>
      )}
      {pending ? (
        <ApprovalArgs
          idPrefix={idPrefix}
          fields={fields}
          mode={mode}
          onMode={switchMode}
          texts={texts}
          onText={(name, t) => setTexts((prev) => ({ ...prev, [name]: t }))}
          json={json}
          onJson={setJson}
          fieldErrors={fieldErrors}
          rootErrors={rootErrors}
          edited={editedFields}
          readOnly={!canEdit}
          firstFieldRef={(el) => {
            firstField.current = el;
          }}
        />
      ) : (
        <details className="afk-approval-args-compact" data-testid="approval-args">
          <summary className="afk-muted afk-small">Arguments</summary>
          <pre className="afk-mono">{JSON.stringify(a.args, null, 2)}</pre>
        </details>
      )}
      {pending ? (
        <PendingActions
          approval={a}
          crash={crash}
          busy={busy}
          edited={editedArgs}
          valid={valid}
          canEdit={canEdit}
          armed={armed}
          reason={reason}
          onReason={setReason}
          answer={answer}
          onAnswer={setAnswer}
          rejectRef={rejectRef}
          onApprove={approve}
          onAlways={() => decide({ kind: 'approve', scope: 'always_for_tool' })}
          onReject={reject}
          onRespond={respond}
          onReset={() => {
            setTexts(textsFor(fields, a.args));
            setJson(JSON.stringify(a.args, null, 2));
          }}
        />
      ) : (
        <DecisionSummary approval={a} runHref={runHref} />
      )}
    </article>
  );
}

function CrashNote({ approval: a }: { approval: ApprovalRequest }) {
  const { store } = useAfk();
  const started = useStoreQuery(`journal:${a.id}`, a.runId, async () => {
    const events = await store.readEvents(a.runId);
    return events.find((e) => e.type === 'tool_started' && e.data.toolCallId === a.toolCallId)?.ts ?? null;
  });
  const ts = started.status === 'ok' ? started.data : null;
  return (
    <p className="afk-approval-crash" data-testid="crash-question">
      This call started{' '}
      {ts !== null ? (
        <>
          at <time dateTime={new Date(ts).toISOString()}>{absoluteTime(ts)}</time> (journal entry)
        </>
      ) : (
        'before a crash'
      )}{' '}
      and never finished: it may or may not have taken effect.
    </p>
  );
}

type PendingActionsProps = {
  approval: ApprovalRequest;
  crash: boolean;
  busy: boolean;
  edited: boolean;
  valid: boolean;
  canEdit: boolean;
  armed: 'approve' | undefined;
  reason: string;
  onReason(v: string): void;
  answer: string;
  onAnswer(v: string): void;
  rejectRef: Ref<HTMLInputElement>;
  onApprove(): void;
  onAlways(): void;
  onReject(): void;
  onRespond(): void;
  onReset(): void;
};

function PendingActions(p: PendingActionsProps) {
  const allowed = p.approval.allowedDecisions;
  const tool = p.approval.toolName;
  return (
    <div className="afk-approval-actions">
      {allowed.includes('approve') && !p.edited && (
        <span className="afk-split">
          <button
            type="button"
            className="afk-btn afk-btn-primary"
            data-testid="approve-button"
            disabled={p.busy}
            onClick={p.onApprove}
          >
            {p.crash ? 'Run it again' : 'Approve once'}
          </button>
          {!p.crash && p.approval.kind === 'approval' && (
            <button
              type="button"
              className="afk-btn"
              data-testid="approve-always-button"
              disabled={p.busy}
              onClick={p.onAlways}
              title={`Approve this and later ${tool} calls of this run`}
            >
              Always for {tool}
            </button>
          )}
        </span>
      )}
      {p.edited && p.canEdit && (
        <>
          <button
            type="button"
            className="afk-btn afk-btn-primary"
            data-testid="approve-edited-button"
            disabled={p.busy || !p.valid}
            onClick={p.onApprove}
          >
            Approve with edits
          </button>
          <button
            type="button"
            className="afk-btn afk-btn-ghost"
            data-testid="reset-edits"
            onClick={p.onReset}
          >
            Reset
          </button>
        </>
      )}
      <form
        className="afk-approval-reject"
        onSubmit={(e) => {
          e.preventDefault();
          p.onReject();
        }}
      >
        <input
          ref={p.rejectRef}
          className="afk-input"
          data-testid="reject-reason"
          aria-label={`Reason for rejecting ${tool}`}
          placeholder={p.crash ? 'Why skip it? (optional)' : 'Reason (optional)'}
          value={p.reason}
          onChange={(e) => p.onReason(e.target.value)}
        />
        <button
          type="submit"
          className="afk-btn afk-btn-danger"
          data-testid="reject-button"
          disabled={p.busy}
        >
          {p.crash ? 'Skip it' : 'Reject'}
        </button>
      </form>
      {allowed.includes('respond') && (
        <form
          className="afk-approval-respond"
          onSubmit={(e) => {
            e.preventDefault();
            p.onRespond();
          }}
        >
          <input
            className="afk-input"
            data-testid="respond-input"
            aria-label={p.crash ? 'Its result, if it happened' : 'Your answer'}
            placeholder={
              p.crash ? 'It happened; its result was… (JSON or text)' : 'Your answer (JSON or text)'
            }
            value={p.answer}
            onChange={(e) => p.onAnswer(e.target.value)}
          />
          <button
            type="submit"
            className="afk-btn"
            data-testid="respond-button"
            disabled={p.busy || p.answer.trim() === ''}
          >
            {p.crash ? 'It happened' : 'Respond'}
          </button>
        </form>
      )}
      {p.armed === 'approve' && (
        <span className="afk-armed" role="status" data-testid="armed-hint">
          Enter to {p.edited ? 'approve with edits' : 'approve'}, Esc to cancel
        </span>
      )}
      <span className="afk-keys afk-muted afk-small" aria-hidden="true">
        a / r / e
      </span>
    </div>
  );
}

function describeDecision(d: ApprovalDecision | undefined): string {
  if (!d) return 'expired without a decision';
  switch (d.kind) {
    case 'approve':
      return d.scope === 'always_for_tool' ? 'approved (always for this tool, in this run)' : 'approved once';
    case 'reject':
      return d.reason ? `rejected: ${d.reason}` : 'rejected';
    case 'edit':
      return 'approved with edits';
    case 'respond':
      return `responded ${JSON.stringify(d.value)}`;
  }
}

/** "to: a → b, copies: 1 → 2" for the fields an edit changed. */
function editedSummary(before: JSONValue, after: JSONValue): string {
  const b = asObject(before);
  const x = asObject(after);
  const keys = [...new Set([...Object.keys(b), ...Object.keys(x)])].filter((k) => !sameJSON(b[k], x[k]));
  return keys.map((k) => `${k}: ${JSON.stringify(b[k])} → ${JSON.stringify(x[k])}`).join(', ') || 'no change';
}

/** The approval span of a decided request, from the run's timeline (to link to it). */
function findApprovalSpan(span: Span, approvalId: string): Span | undefined {
  if (span.kind === 'approval' && span.attributes['afk.approval.id'] === approvalId) return span;
  for (const c of span.children) {
    const hit = findApprovalSpan(c, approvalId);
    if (hit) return hit;
  }
  return undefined;
}

function DecisionSummary({
  approval: a,
  runHref,
}: {
  approval: ApprovalRequest;
  runHref: ApprovalCardProps['runHref'];
}) {
  const { store } = useAfk();
  const dbg = useMemo(() => new Debugger({ store }), [store]);
  const span = useStoreQuery(`approval-span:${a.id}`, a.rootRunId, async () => {
    const tl = await dbg.timeline(a.rootRunId);
    return findApprovalSpan(tl.root, a.id)?.id ?? null;
  });
  const spanId = span.status === 'ok' ? span.data : null;
  return (
    <p className="afk-approval-decision" data-testid="approval-decision">
      <span>{describeDecision(a.decision)}</span>
      {a.decision?.kind === 'edit' && (
        <span className="afk-mono afk-small"> ({editedSummary(a.args, a.decision.args)})</span>
      )}
      {a.decidedAt !== undefined && (
        <time
          className="afk-muted"
          title={absoluteTime(a.decidedAt)}
          dateTime={new Date(a.decidedAt).toISOString()}
        >
          {' '}
          · {absoluteTime(a.decidedAt)}
        </time>
      )}
      {spanId && (
        <>
          {' · '}
          <a href={runHref(a.rootRunId, spanId)} data-testid="approval-span-link">
            on the timeline
          </a>
        </>
      )}
    </p>
  );
}
