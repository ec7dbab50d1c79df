import { caseAgentName, casesFileText } from './case-draft';
import { demoAgentFor } from './example-suite';
import { downloadText } from './SaveCaseAction';
import { SuiteProgress } from './SuiteProgress';
import { SAVED_SUITE_NAME, useSavedCases } from './saved-cases';
import { useSuiteRun } from './suite-run';
import './saved-cases.css';

/**
 * The in-app "Saved cases" suite (cases saved from runs with "Save as eval case"): run them all
 * in the page — offline, each replays its recorded model responses — download them as one
 * cases file, or remove one.
 */
export function SavedCases() {
  const cases = useSavedCases((s) => s.cases);
  const remove = useSavedCases((s) => s.remove);
  const { state, start } = useSuiteRun();
  const running = state.status === 'running';
  return (
    <section className="panel saved-cases" aria-labelledby="saved-cases-title" data-testid="saved-cases">
      <div className="saved-cases-head">
        <h2 id="saved-cases-title">
          Saved cases <span className="saved-cases-count">{cases.length}</span>
        </h2>
        <button
          type="button"
          className="afk-btn afk-btn-primary"
          disabled={running || cases.length === 0}
          onClick={() => void start({ name: SAVED_SUITE_NAME, cases: [...cases], agent: demoAgentFor })}
          data-testid="run-saved-cases"
        >
          {running ? 'Running…' : '▶ Run saved cases'}
        </button>
        <button
          type="button"
          className="afk-btn"
          disabled={cases.length === 0}
          onClick={() => downloadText('saved.cases.json', casesFileText(cases))}
          data-testid="download-saved-cases"
        >
          ⤓ Download all
        </button>
      </div>
      {cases.length === 0 ? (
        <p className="hint">
          None yet. Open a run and use “☆ Save as eval case” to keep it as a regression case that replays
          offline.
        </p>
      ) : (
        <ul className="saved-cases-list">
          {cases.map((c) => (
            <li key={c.id} data-testid={`saved-case-${c.id}`}>
              <code>{c.id}</code>
              <span className="hint">
                {caseAgentName(c) ?? 'agent?'} · {c.replay?.responses.length ?? 0} recorded response
                {c.replay?.responses.length === 1 ? '' : 's'}
              </span>
              <button
                type="button"
                className="afk-btn saved-case-remove"
                aria-label={`Remove ${c.id}`}
                onClick={() => remove(c.id)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <SuiteProgress state={state} label="Saved cases progress" />
    </section>
  );
}
