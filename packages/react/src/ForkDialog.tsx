import type { ForkEdit } from 'afk/debugger';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { type ForkPlan, forkRequest } from './fork-plan.js';

export interface ForkDialogProps {
  plan: ForkPlan;
  /** The run's user message, prefilled when editing it. */
  userMessage?: string | undefined;
  /** Shown under the form (for instance: "no agent named X in this page: the fork will not run"). */
  note?: string | undefined;
  /** Creates (and runs) the fork; a rejection is shown in the dialog. */
  onFork(req: { atSeq: number; edit?: ForkEdit }): Promise<void>;
  onClose(): void;
}

type Mode = 'none' | 'user' | 'tool';

/**
 * "Fork from here": continue the run from a point as a new run on a new thread, optionally with
 * the user message or one tool result edited (the model then receives the edited result). The
 * original run is never changed.
 *
 * @example
 * <ForkDialog plan={forkPlan(tl, span)!} onFork={(r) => fork(r)} onClose={close} />
 */
export function ForkDialog({ plan, userMessage, note, onFork, onClose }: ForkDialogProps) {
  const [mode, setMode] = useState<Mode>(plan.calls.length && plan.preselect ? 'tool' : 'none');
  const first = plan.calls.find((c) => c.toolCallId === plan.preselect) ?? plan.calls[0];
  const [callId, setCallId] = useState(first?.toolCallId ?? '');
  const [content, setContent] = useState(first?.content ?? '');
  const [text, setText] = useState(userMessage ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const ref = useRef<HTMLDivElement>(null);
  const touchedText = useRef(false);

  useEffect(() => {
    if (!touchedText.current && userMessage !== undefined) setText(userMessage);
  }, [userMessage]);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input:checked, button')?.focus();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onFork(
        forkRequest(
          plan,
          mode === 'user'
            ? { kind: 'user', text }
            : mode === 'tool'
              ? { kind: 'tool', toolCallId: callId, content }
              : { kind: 'none' },
        ),
      );
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <div className="afk-modal-backdrop">
      <div
        ref={ref}
        className="afk-modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="afk-fork-title"
        data-testid="fork-dialog"
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
        }}
      >
        <form onSubmit={submit}>
          <h3 id="afk-fork-title">Fork from here</h3>
          <p className="afk-muted afk-small">
            A new run on a new thread continues from {plan.label}. The original run is not changed.
          </p>
          <fieldset className="afk-fork-modes">
            <legend className="afk-sr-only">What to change</legend>
            <label>
              <input type="radio" name="mode" checked={mode === 'none'} onChange={() => setMode('none')} />
              Continue as it was
            </label>
            <label>
              <input
                type="radio"
                name="mode"
                checked={mode === 'user'}
                onChange={() => setMode('user')}
                data-testid="fork-mode-user"
              />
              Edit the user message (the run starts over with it)
            </label>
            <label className={plan.calls.length ? '' : 'is-disabled'}>
              <input
                type="radio"
                name="mode"
                disabled={!plan.calls.length}
                checked={mode === 'tool'}
                onChange={() => setMode('tool')}
                data-testid="fork-mode-tool"
              />
              Edit a tool result{plan.calls.length ? '' : ' (no tool call at this point)'}
            </label>
          </fieldset>
          {mode === 'user' && (
            <label className="afk-field">
              <span>User message</span>
              <textarea
                className="afk-input"
                rows={3}
                value={text}
                onChange={(e) => {
                  touchedText.current = true;
                  setText(e.target.value);
                }}
                data-testid="fork-user-message"
              />
            </label>
          )}
          {mode === 'tool' && (
            <>
              {plan.calls.length > 1 && (
                <label className="afk-field">
                  <span>Tool call</span>
                  <select
                    className="afk-input"
                    value={callId}
                    onChange={(e) => {
                      setCallId(e.target.value);
                      setContent(plan.calls.find((c) => c.toolCallId === e.target.value)?.content ?? '');
                    }}
                    data-testid="fork-tool-call"
                  >
                    {plan.calls.map((c) => (
                      <option key={c.toolCallId} value={c.toolCallId}>
                        {c.name} · {c.toolCallId}
                      </option>
                    ))}
                  </select>
                </label>
              )}
              <label className="afk-field">
                <span>
                  Result of{' '}
                  <span className="afk-mono">{plan.calls.find((c) => c.toolCallId === callId)?.name}</span>{' '}
                  the model will receive
                </span>
                <textarea
                  className="afk-input afk-mono"
                  rows={4}
                  value={content}
                  onChange={(e) => setContent(e.target.value)}
                  data-testid="fork-tool-result"
                />
              </label>
            </>
          )}
          {note && (
            <p className="afk-note" data-testid="fork-note">
              {note}
            </p>
          )}
          {error && (
            <p className="afk-error" role="alert" data-testid="fork-error">
              {error}
            </p>
          )}
          <div className="afk-modal-actions">
            <button type="button" className="afk-btn" onClick={onClose}>
              Cancel
            </button>
            <button
              type="submit"
              className="afk-btn afk-btn-primary"
              disabled={busy}
              data-testid="fork-submit"
            >
              {busy ? 'Forking…' : 'Fork'}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
