import { type FormEvent, useState } from 'react';
import { agentFor } from '../agent-factory';
import { EXAMPLES, type ExampleId, exampleById } from '../demo/examples';
import { runner } from '../runtime';
import { hostRun, unhost } from '../state/hosted-runs';
import { usePlayground } from '../state/playground';
import { describeModel, useSettings } from '../state/settings';
import './playground.css';

/**
 * Runs the picked example agent with `runStream` (its events go to the stream panel). The run itself (state, final text, timeline) is read back from the store by the run panel. On the
 * scripted model (the default) every example is deterministic and offline.
 */
export function Playground() {
  const settings = useSettings((s) => s.settings);
  const exampleId = usePlayground((s) => s.exampleId);
  const setExample = usePlayground((s) => s.setExample);
  const streaming = usePlayground((s) => s.streaming);
  const error = usePlayground((s) => s.error);
  const drive = usePlayground((s) => s.drive);
  const example = exampleById(exampleId);
  const [prompts, setPrompts] = useState<Partial<Record<ExampleId, string>>>({});
  const input = prompts[example.id] ?? example.prompt;

  async function start(e: FormEvent) {
    e.preventDefault();
    const handle = runner.runStream(agentFor(settings, example.id), { userMessage: input });
    const previous = usePlayground.getState().runId;
    if (previous && previous !== handle.runId) unhost(previous);
    hostRun(handle.runId);
    const result = await drive(handle, { fresh: true });
    if (result?.state !== 'interrupted') unhost(handle.runId);
  }

  return (
    <section className="panel playground" aria-labelledby="playground-title">
      <h2 id="playground-title">Playground</h2>
      <fieldset className="pg-agents" data-testid="agent-picker">
        <legend>Example agent</legend>
        {EXAMPLES.map((x) => (
          <label key={x.id} className="pg-agent" data-testid={`agent-${x.id}`}>
            <input
              type="radio"
              name="pg-agent"
              value={x.id}
              checked={x.id === example.id}
              disabled={streaming}
              onChange={() => setExample(x.id)}
            />
            <span className="pg-agent-text">
              <strong>{x.label}</strong>
              <span className="hint">{x.summary}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <p className="hint" data-testid="playground-model">
        <code>{example.build().name}</code> on the {describeModel(settings)}.
      </p>
      <form onSubmit={start} className="row">
        <label className="grow">
          <span className="sr-only">Message</span>
          <input
            className="afk-input"
            data-testid="user-input"
            aria-label="Message to the agent"
            value={input}
            onChange={(e) => setPrompts((p) => ({ ...p, [example.id]: e.target.value }))}
          />
        </label>
        <button
          type="submit"
          className="afk-btn afk-btn-primary"
          data-testid="run-button"
          disabled={streaming || input.trim() === ''}
        >
          {streaming ? 'Running…' : 'Run'}
        </button>
      </form>
      {error && (
        <p role="alert" className="error" data-testid="stream-error">
          {error}
        </p>
      )}
    </section>
  );
}
