import { Agent } from 'afk/agents';
import { type ApprovalRequest, Runner } from 'afk/core';
import { scripted } from 'afk/llms';
import { InMemoryStore } from 'afk/memory';
import { useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { AfkProvider } from './context.js';
import { AfkDevtools, type AfkDevtoolsProps } from './devtools/AfkDevtools.js';
import { OPEN_STORAGE_KEY } from './devtools/open-state.js';

/** A host app with its own styles and its own button, and the devtools mounted in one line. */
function Host({ store, devtools }: { store: InMemoryStore; devtools?: AfkDevtoolsProps }) {
  const [clicks, setClicks] = useState(0);
  return (
    <AfkProvider store={store}>
      <button type="button" id="host-button" onClick={() => setClicks((c) => c + 1)}>
        host clicks: {clicks}
      </button>
      <AfkDevtools {...devtools} />
    </AfkProvider>
  );
}

async function completedRun() {
  const store = new InMemoryStore();
  const model = scripted([{ text: 'hello from the host app', usage: { inputTokens: 5, outputTokens: 3 } }]);
  const result = await new Runner({ store }).run(new Agent({ name: 'greeter', model }), {
    userMessage: 'hi',
  });
  expect(result.state).toBe('completed');
  return { store, runId: result.runId };
}

const shadow = () => document.querySelector('afk-devtools')?.shadowRoot ?? null;
const inShadow = (sel: string) => shadow()?.querySelector<HTMLElement>(sel) ?? null;
const panelVisible = () => {
  const p = inShadow('[data-testid="afk-devtools-panel"]');
  return p !== null && !p.hidden;
};

let container: HTMLDivElement;
let root: Root;
let hostStyle: HTMLStyleElement;

function mount(node: React.ReactNode) {
  root = createRoot(container);
  root.render(node);
}

beforeEach(() => {
  localStorage.removeItem(OPEN_STORAGE_KEY);
  // The host's own (aggressive) styles: none of them may reach the panel.
  hostStyle = document.createElement('style');
  hostStyle.textContent =
    'button { background: rgb(255, 0, 0) !important; } * { font-family: serif; color: rgb(0, 128, 0); }';
  document.head.append(hostStyle);
  container = document.createElement('div');
  document.body.append(container);
});

afterEach(() => {
  root.unmount();
  container.remove();
  hostStyle.remove();
});

describe('<AfkDevtools />', () => {
  it('opens from its toggle, shows the run, keeps its styles in the shadow root, and leaves the host working', async () => {
    const { store, runId } = await completedRun();
    const sheetsBefore = document.styleSheets.length;
    mount(<Host store={store} />);

    await expect.poll(() => inShadow('[data-testid="afk-devtools-toggle"]')).not.toBeNull();
    expect(panelVisible()).toBe(false); // closed by default, and the panel chunk not rendered
    const toggle = inShadow('[data-testid="afk-devtools-toggle"]')!;
    // The host's `button { background: red !important }` does not cross the shadow boundary.
    expect(getComputedStyle(toggle).backgroundColor).not.toBe('rgb(255, 0, 0)');
    expect(getComputedStyle(toggle).fontFamily).not.toBe('serif');

    await userEvent.click(toggle);
    await expect.poll(panelVisible).toBe(true);
    await expect
      .poll(() => inShadow(`[data-testid="afk-devtools-run"][data-run-id="${runId}"]`))
      .not.toBeNull();
    const runItem = inShadow('[data-testid="afk-devtools-run"]')!;
    expect(runItem.textContent).toContain('greeter');
    expect(runItem.textContent).toContain('completed');
    // The newest run is selected: its timeline and inspector render inside the panel.
    await expect.poll(() => shadow()?.querySelectorAll('.afk-span-row').length ?? 0).toBeGreaterThan(0);
    expect(inShadow('[data-testid="span-inspector"]')).not.toBeNull();
    expect(inShadow('[data-testid="afk-devtools-approvals"]')?.textContent).toContain('0 pending');
    // Inherited host colour stops at the host element (inline `all: initial`).
    expect(getComputedStyle(runItem).color).not.toBe('rgb(0, 128, 0)');

    // Every style the panel added lives in its shadow root; the document's sheets are untouched.
    expect(document.styleSheets.length).toBe(sheetsBefore);
    expect(shadow()!.querySelectorAll('style').length).toBeGreaterThanOrEqual(2);
    expect(shadow()!.styleSheets.length).toBeGreaterThanOrEqual(2);

    // Selecting a span shows it in the inspector.
    await userEvent.click(shadow()!.querySelectorAll<HTMLElement>('.afk-span-row')[1]!);
    await expect
      .poll(() => inShadow('[data-testid="span-inspector"]')?.textContent ?? '')
      .not.toContain('Select a span');

    // The host's own UI still works with the panel open.
    const hostButton = document.getElementById('host-button')!;
    await userEvent.click(hostButton);
    await expect.poll(() => hostButton.textContent).toBe('host clicks: 1');

    // ctrl+shift+a closes and reopens it.
    await userEvent.keyboard('{Control>}{Shift>}A{/Shift}{/Control}');
    await expect.poll(panelVisible).toBe(false);
    expect(localStorage.getItem(OPEN_STORAGE_KEY)).toBe('false');
    await userEvent.keyboard('{Control>}{Shift>}A{/Shift}{/Control}');
    await expect.poll(panelVisible).toBe(true);
    expect(localStorage.getItem(OPEN_STORAGE_KEY)).toBe('true');
  });

  it('remembers the open state across a reload, and counts pending approvals', async () => {
    const { store } = await completedRun();
    mount(<Host store={store} />);
    await expect.poll(() => inShadow('[data-testid="afk-devtools-toggle"]')).not.toBeNull();
    await userEvent.click(inShadow('[data-testid="afk-devtools-toggle"]')!);
    await expect.poll(panelVisible).toBe(true);

    // "Reload": a fresh mount with a fresh store reads the remembered state and opens at once.
    root.unmount();
    expect(document.querySelector('afk-devtools')).toBeNull(); // the host element goes with it
    const store2 = new InMemoryStore();
    mount(<Host store={store2} />);
    await expect.poll(panelVisible).toBe(true);
    expect(inShadow('[data-testid="afk-devtools-toggle"]')).toBeNull();
    await expect.poll(() => inShadow('.afk-dt-body')?.textContent ?? '').toContain('No runs yet');

    // A pending approval shows in the badge, live.
    const approval: ApprovalRequest = {
      id: 'ap1',
      runId: 'r1',
      rootRunId: 'r1',
      threadId: 't1',
      agentPath: 'mailer',
      toolCallId: 'c1',
      toolName: 'send',
      args: { to: 'someone' },
      argsHash: 'h',
      kind: 'approval',
      allowedDecisions: ['approve', 'reject'],
      status: 'pending',
      createdAt: Date.now(),
    };
    await store2.write({ approvals: [approval] });
    await expect
      .poll(() => inShadow('[data-testid="afk-devtools-approvals"]')?.textContent)
      .toContain('1 pending');

    // Closing from the panel's own button is remembered too.
    await userEvent.click(inShadow('[aria-label="Close AFK devtools"]')!);
    await expect.poll(panelVisible).toBe(false);
    expect(localStorage.getItem(OPEN_STORAGE_KEY)).toBe('false');
  });

  it('honours initialIsOpen, position, and enabled={false}', async () => {
    const { store } = await completedRun();
    mount(<Host store={store} devtools={{ initialIsOpen: true, position: 'top-left' }} />);
    await expect.poll(panelVisible).toBe(true);
    expect(inShadow('.afk-dt-drawer')?.className).toContain('is-top');
    root.unmount();

    localStorage.setItem(OPEN_STORAGE_KEY, 'false');
    mount(<Host store={store} devtools={{ initialIsOpen: true, position: 'top-left' }} />);
    await expect.poll(() => inShadow('[data-testid="afk-devtools-toggle"]')).not.toBeNull();
    const t = inShadow('[data-testid="afk-devtools-toggle"]')!.getBoundingClientRect();
    expect(t.top).toBeLessThan(40);
    expect(t.left).toBeLessThan(40);
    root.unmount();

    mount(<Host store={store} devtools={{ enabled: false }} />);
    await userEvent.keyboard('{Control>}{Shift>}A{/Shift}{/Control}');
    expect(document.querySelector('afk-devtools')).toBeNull();
  });
});
