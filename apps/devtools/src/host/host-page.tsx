/**
 * A minimal host app (test-pages/host.html): its own counter and styles, one agent run, and the
 * in-page devtools mounted in one line. The e2e test (e2e/tests/panel-host.spec.ts) checks that
 * the panel opens (button, ctrl+shift+a), shows this app's runs, loads its code only on first
 * open, and leaves the host's button and styles alone.
 */
// The subpath keeps the host's initial bundle small: the panel itself is a lazy chunk.
import { AfkDevtools } from '@afk/react/devtools';
import { Agent } from 'afk/agents';
import { Runner } from 'afk/core';
import { scripted } from 'afk/llms';
import { DexieStore } from 'afk/memory';
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import './host.css';

/** The host's own database (not the devtools app's). */
export const HOST_DB = 'afk-host-demo';
const store = new DexieStore({ name: HOST_DB });
const runner = new Runner({ store });

function HostApp() {
  const [count, setCount] = useState(0);
  const [answer, setAnswer] = useState('');
  const [busy, setBusy] = useState(false);
  async function ask() {
    setBusy(true);
    try {
      const model = scripted([
        { text: `The answer is ${count * 2}.`, usage: { inputTokens: 12, outputTokens: 6 } },
      ]);
      const r = await runner.run(new Agent({ name: 'host-helper', model }), {
        userMessage: `What is ${count} doubled?`,
      });
      setAnswer(r.finalText);
    } finally {
      setBusy(false);
    }
  }
  return (
    <main className="host">
      <h1>Host app</h1>
      <p>A page with its own UI; the AFK devtools live in the corner.</p>
      <p>
        <button type="button" id="host-counter" onClick={() => setCount((c) => c + 1)}>
          count is {count}
        </button>{' '}
        <button type="button" id="host-ask" disabled={busy} onClick={ask}>
          ask the agent
        </button>
      </p>
      <p id="host-answer">{answer}</p>
    </main>
  );
}

const root = document.getElementById('host-root');
if (!root) throw new Error('host page: #host-root is missing');
createRoot(root).render(
  <StrictMode>
    <HostApp />
    <AfkDevtools enabled store={store} runner={runner} />
  </StrictMode>,
);
