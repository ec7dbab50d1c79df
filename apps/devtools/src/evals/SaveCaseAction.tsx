import type { EvalCase } from 'afk/evals';
import type { MemoryStore, RunRecord } from 'afk/memory';
import { useEffect, useId, useState } from 'react';
import {
  ALL_CHECKS,
  type CaseChecks,
  caseDraft,
  caseFileName,
  casesFileText,
  defaultCaseId,
} from './case-draft';
import { useSavedCases } from './saved-cases';
import './save-case.css';

/** Downloads `text` as a file named `name`. */
export function downloadText(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const CHECK_LABELS: Record<keyof CaseChecks, string> = {
  completed: 'the run completes',
  toolSequence: 'the same tool calls, in order',
  finalText: 'the final text contains the recorded one',
};

/**
 * "Save as eval case" in the run toolbar: builds a regression case from this run (`caseFromRun`:
 * input, context, a cassette of the run's own model responses) with the chosen checks, then
 * downloads it as a cases file (`afk eval` / `loadCases` read it) or adds it to the in-app
 * "Saved cases" suite the Evals view runs. Offline either way: the case replays its cassette.
 */
export function SaveCaseAction({ run, store }: { run: RunRecord; store: MemoryStore }) {
  const [open, setOpen] = useState(false);
  const ended = run.status !== 'running' && run.status !== 'paused' && run.result !== undefined;
  return (
    <>
      <button
        type="button"
        className="afk-btn"
        disabled={!ended}
        title={
          ended ? 'Turn this run into a regression case that replays offline' : 'Wait for the run to end'
        }
        onClick={() => setOpen(true)}
        data-testid="save-case-button"
      >
        ☆ Save as eval case
      </button>
      {open && <SaveCaseDialog run={run} store={store} onClose={() => setOpen(false)} />}
    </>
  );
}

function SaveCaseDialog({ run, store, onClose }: { run: RunRecord; store: MemoryStore; onClose(): void }) {
  const titleId = useId();
  const save = useSavedCases((s) => s.save);
  const [id, setId] = useState(() => defaultCaseId(run.agentName, run.runId));
  const [checks, setChecks] = useState<CaseChecks>(ALL_CHECKS);
  const [draft, setDraft] = useState<{ case: EvalCase } | { error: string }>();
  const [status, setStatus] = useState<{ ok: boolean; text: string }>();
  const completed = run.result?.state === 'completed';

  useEffect(() => {
    let live = true;
    caseDraft(store, run.runId, { id, checks }).then(
      (c) => live && setDraft({ case: c }),
      (e: unknown) => live && setDraft({ error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [store, run.runId, id, checks]);

  const c = draft && 'case' in draft ? draft.case : undefined;
  const responses = c?.replay?.responses.length ?? 0;
  const tools = ((c?.expected as { toolSequence?: string[] } | undefined)?.toolSequence ?? []).join(' → ');
  return (
    <div className="afk-modal-backdrop">
      <div
        className="afk-modal save-case"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="save-case-dialog"
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
        }}
      >
        <h3 id={titleId}>Save as eval case</h3>
        <p className="hint">
          The case replays this run's {responses || ''} recorded model response{responses === 1 ? '' : 's'} —
          offline, no model call — against the agent's current tools and policies.
        </p>
        <label className="save-case-id">
          Case id
          <input
            className="afk-input"
            value={id}
            onChange={(e) => setId(e.target.value)}
            data-testid="save-case-id"
            // biome-ignore lint/a11y/noAutofocus: the dialog's first field
            autoFocus
          />
        </label>
        <fieldset className="save-case-checks">
          <legend>It passes when</legend>
          {(Object.keys(CHECK_LABELS) as Array<keyof CaseChecks>).map((k) => {
            const disabled = k === 'completed' && !completed;
            return (
              <label key={k} className={disabled ? 'disabled' : undefined}>
                <input
                  type="checkbox"
                  className="afk-check"
                  checked={checks[k] && !disabled}
                  disabled={disabled}
                  onChange={(e) => setChecks({ ...checks, [k]: e.target.checked })}
                  data-testid={`save-case-check-${k}`}
                />
                {k === 'completed' && !completed
                  ? `the run ends ${run.result?.state ?? run.status}`
                  : CHECK_LABELS[k]}
                {k === 'toolSequence' && <span className="save-case-detail">{tools || 'no tool calls'}</span>}
              </label>
            );
          })}
        </fieldset>
        {draft && 'error' in draft && (
          <p className="error" role="alert">
            This run cannot become a case: {draft.error}
          </p>
        )}
        {status && (
          <p
            className={status.ok ? 'save-case-status' : 'error'}
            role="status"
            data-testid="save-case-status"
          >
            {status.text}
            {status.ok && (
              <>
                {' '}
                <a href="#/evals">Open Evals →</a>
              </>
            )}
          </p>
        )}
        <div className="afk-modal-actions">
          <button type="button" className="afk-btn" onClick={onClose}>
            Close
          </button>
          <button
            type="button"
            className="afk-btn"
            disabled={!c}
            data-testid="save-case-download"
            onClick={() => {
              if (!c) return;
              downloadText(caseFileName(c), casesFileText([c]));
              setStatus({ ok: true, text: `Downloaded ${caseFileName(c)} (run it with afk eval).` });
            }}
          >
            ⤓ Download case file
          </button>
          <button
            type="button"
            className="afk-btn afk-btn-primary"
            disabled={!c}
            data-testid="save-case-add"
            onClick={() => {
              if (!c) return;
              const err = save(c);
              setStatus(
                err
                  ? { ok: false, text: `Not saved: ${err}` }
                  : { ok: true, text: `Added “${c.id}” to Saved cases.` },
              );
            }}
          >
            + Add to saved cases
          </button>
        </div>
      </div>
    </div>
  );
}
