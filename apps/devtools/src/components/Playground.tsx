import type { AgentStreamEvent } from 'afk/core';
import { type FormEvent, useState } from 'react';
import { agentFor } from '../agent-factory';
import { runner } from '../runtime';
import { usePlayground } from '../state/playground';
import { describeModel, useSettings } from '../state/settings';
import { EventList } from './EventList';
import { errorMessage } from './format';

const DEFAULT_PROMPT = 'Add 2 and 3';

/**
 * Runs the playground agent with `runStream` and prints its events as they arrive. The run
 * itself (state, final text, approvals) is read back from the store by the other panels.
 */
export function Playground() {
  const settings = useSettings((s) => s.settings);
  const select = usePlayground((s) => s.setRunId);
  const [input, setInput] = useState(DEFAULT_PROMPT);
  const [events, setEvents] = useState<AgentStreamEvent[]>([]);
  const [streaming, setStreaming] = useState(false);
  const [error, setError] = useState<string>();

  async function start(e: FormEvent) {
    e.preventDefault();
    setEvents([]);
    setError(undefined);
    setStreaming(true);
    try {
      const handle = runner.runStream(agentFor(settings), { userMessage: input });
      for await (const ev of handle) {
        if (ev.seq === 0) select(ev.runId);
        setEvents((prev) => [...prev, ev]);
      }
      const result = await handle.result;
      select(result.runId);
      if (result.error) setError(`${result.error.code}: ${result.error.message}`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setStreaming(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="playground-title">
      <h2 id="playground-title">Playground</h2>
      <p className="hint">
        Calculator agent with an <code>add</code> tool and a <code>send_email</code> tool that needs approval,
        on the {describeModel(settings)}.
      </p>
      <form onSubmit={start} className="row">
        <label className="grow">
          <span className="sr-only">Message</span>
          <input
            data-testid="user-input"
            aria-label="Message to the agent"
            value={input}
            onChange={(e) => setInput(e.target.value)}
          />
        </label>
        <button type="submit" data-testid="run-button" disabled={streaming || input.trim() === ''}>
          {streaming ? 'Running…' : 'Run'}
        </button>
      </form>
      {error && (
        <p role="alert" className="error" data-testid="run-error">
          {error}
        </p>
      )}
      <h3>Stream events</h3>
      <EventList events={events} />
    </section>
  );
}
