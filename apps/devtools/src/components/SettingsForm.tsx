import { type FormEvent, useState } from 'react';
import { agentFor } from '../agent-factory';
import { describeModel, type ModelProvider, type ModelSettings, useSettings } from '../state/settings';
import { errorMessage } from './format';

/**
 * Chooses the playground's model. A key typed here stays in this tab's memory: it is not
 * persisted, not logged, and gone on reload (the playground falls back to the scripted model).
 */
export function SettingsForm() {
  const { settings, apply, reset } = useSettings();
  const [draft, setDraft] = useState<ModelSettings>({
    ...settings,
    provider: 'openai',
    model: settings.model || 'gpt-4.1-mini',
  });

  const [error, setError] = useState<string>();

  function submit(e: FormEvent) {
    e.preventDefault();
    try {
      agentFor(draft); // validates the configuration now rather than at the next run
      setError(undefined);
      apply(draft);
    } catch (err) {
      setError(errorMessage(err));
    }
  }
  const set = (patch: Partial<ModelSettings>) => setDraft((d) => ({ ...d, ...patch }));

  return (
    <section className="panel settings-panel" aria-labelledby="settings-title">
      <h2 id="settings-title">Model</h2>
      <p className="hint" data-testid="model-in-use">
        In use: {describeModel(settings)}
      </p>
      <p className="hint settings-note">
        The key stays in this tab's memory: never stored, never logged, gone on reload. Without a base URL,
        requests go from this page straight to OpenAI.
      </p>
      {error && (
        <p role="alert" className="error" data-testid="settings-error">
          {error}
        </p>
      )}
      <form onSubmit={submit} className="settings" autoComplete="off">
        <label>
          Provider
          <select
            className="afk-select"
            data-testid="provider-select"
            value={draft.provider}
            onChange={(e) => set({ provider: e.target.value as ModelProvider })}
          >
            <option value="openai">OpenAI</option>
            <option value="openai-compatible">OpenAI-compatible (base URL)</option>
          </select>
        </label>
        <label>
          Model
          <input
            className="afk-input"
            data-testid="model-input"
            value={draft.model}
            onChange={(e) => set({ model: e.target.value })}
          />
        </label>
        <label>
          API key
          <input
            className="afk-input"
            data-testid="api-key-input"
            type="password"
            autoComplete="off"
            value={draft.apiKey}
            onChange={(e) => set({ apiKey: e.target.value })}
          />
        </label>
        <label>
          Base URL
          <input
            className="afk-input"
            data-testid="base-url-input"
            type="url"
            placeholder="https://api.openai.com/v1"
            value={draft.baseURL}
            onChange={(e) => set({ baseURL: e.target.value })}
          />
        </label>
        <div className="row">
          <button
            type="submit"
            className="afk-btn afk-btn-primary"
            data-testid="apply-settings"
            disabled={
              draft.model.trim() === '' ||
              (draft.provider === 'openai-compatible' && draft.baseURL.trim() === '')
            }
          >
            Use this model
          </button>
          <button
            type="button"
            className="afk-btn"
            data-testid="use-scripted"
            onClick={reset}
            disabled={settings.provider === 'scripted'}
          >
            Back to the scripted model
          </button>
        </div>
      </form>
    </section>
  );
}
