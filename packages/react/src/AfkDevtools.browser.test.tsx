import { Agent } from 'afk/agents';
import { type ApprovalRequest, Runner } from 'afk/core';
import { scripted } from 'afk/llms';
import { InMemoryStore } from 'afk/memory';
import { tool } from 'afk/tools';
import { useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { z } from 'zod';
import { AfkProvider } from './context.js';
import { AfkDevtools, type AfkDevtoolsProps } from './devtools/AfkDevtools.js';
import { OPEN_STORAGE_KEY } from './devtools/open-state.js';

/** A host app with its own styles and its own button, and the devtools mounted in one line. */
function Host({
  store,
  runner,
  devtools,
}: {
  store: InMemoryStore;
  runner?: Runner;
  devtools?: AfkDevtoolsProps;
}) {
  const [clicks, setClicks] = useState(0);
  return (
    <AfkProvider store={store} {...(runner ? { runner } : {})}>
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
    // The first open fetches the lazy panel chunk.
    await expect.poll(panelVisible, { timeout: 10_000 }).toBe(true);
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

  it('approves from the Approvals tab: the run resumes in the host page, the keys and the key list cover the inbox', async () => {
    const sent: string[] = [];
    const sendMail = tool({
      name: 'send_mail',
      description: 'sends an email',
      args: z.object({ to: z.string() }),
      effects: 'side_effect',
      needsApproval: true,
      run: async ({ to }) => {
        sent.push(to);
        return `sent to ${to}`;
      },
    });
    const mailer = new Agent({
      name: 'mailer',
      tools: [sendMail],
      model: scripted((req) =>
        req.messages.at(-1)?.role === 'tool'
          ? { text: `mailed (${String(req.messages.at(-1)?.content)})` }
          : { toolCalls: [{ name: 'send_mail', args: { to: 'ada@example.com' } }] },
      ),
    });
    const store = new InMemoryStore();
    const runner = new Runner({ store, config: { interactionMode: 'external' } });
    const first = await runner.run(mailer, { userMessage: 'mail ada' });
    expect(first.state).toBe('interrupted');
    const second = await runner.run(mailer, { userMessage: 'mail ada again' });
    expect(second.state).toBe('interrupted');
    mount(<Host store={store} runner={runner} devtools={{ initialIsOpen: true, agents: { mailer } }} />);

    // The Approvals tab carries the live pending count.
    const tab = () => inShadow('[data-testid="afk-devtools-tab-approvals"]');
    await expect.poll(() => tab()?.textContent).toContain('2 pending');
    await userEvent.click(tab()!);
    await expect.poll(() => tab()?.getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => shadow()?.querySelectorAll('[data-testid="approval-item"]').length).toBe(2);
    expect(inShadow('[data-testid="approvals-empty"]')).toBeNull();
    // The inbox's help line is drawn from the key table.
    expect(inShadow('.afk-keys-help')?.textContent).toContain('j next');

    // Approve the first with the mouse: the run resumes here and completes.
    const card = (runId: string) =>
      [...(shadow()?.querySelectorAll<HTMLElement>('[data-testid="approval-item"]') ?? [])].find(
        (el) => el.querySelector(`a[href^="#afk-run:${runId}"]`) !== null,
      );
    await userEvent.click(card(first.runId)!.querySelector<HTMLElement>('[data-testid="approve-button"]')!);
    await expect.poll(async () => (await store.getRun(first.runId))?.status).toBe('completed');
    await expect
      .poll(() => inShadow('[data-testid="decision-notice"]')?.textContent)
      .toBe('Resumed here; the run is completed.');
    expect(sent).toEqual(['ada@example.com']);
    await expect.poll(() => tab()?.textContent).toContain('1 pending');

    // The second with the keyboard: a click on its card focuses the inbox, a arms, Enter confirms.
    await userEvent.click(card(second.runId)!.querySelector<HTMLElement>('h3')!);
    expect(shadow()?.activeElement?.getAttribute('data-testid')).toBe('approval-inbox');
    await userEvent.keyboard('k');
    await userEvent.keyboard('a');
    await expect.poll(() => inShadow('[data-testid="armed-hint"]')).not.toBeNull();
    await userEvent.keyboard('{Enter}');
    await expect.poll(async () => (await store.getRun(second.runId))?.status).toBe('completed');
    expect(sent).toEqual(['ada@example.com', 'ada@example.com']);
    await expect.poll(() => tab()?.textContent).toContain('0 pending');

    // `?` opens the panel's key list with the inbox keys from the same table; `g r` goes to Runs.
    await userEvent.keyboard('?');
    await expect.poll(() => inShadow('[data-testid="afk-devtools-keys"]')).not.toBeNull();
    const keys = inShadow('[data-testid="afk-devtools-keys"]')!.textContent ?? '';
    expect(keys).toContain('Next approval');
    expect(keys).toContain('Confirm the armed decision');
    expect(keys).toContain('Approvals tab');
    await userEvent.keyboard('?');
    await expect.poll(() => inShadow('[data-testid="afk-devtools-keys"]')).toBeNull();
    await userEvent.keyboard('gr');
    await expect
      .poll(() => inShadow('[data-testid="afk-devtools-tab-runs"]')?.getAttribute('aria-selected'))
      .toBe('true');
    // The run link of a decided approval opens that run in the Runs tab, never the host's URL.
    await userEvent.keyboard('ga');
    await userEvent.click(inShadow('[data-testid="approvals-tab-decided"]')!);
    const hashBefore = location.hash;
    await userEvent.click(inShadow(`[data-testid="approval-run-link"][href^="#afk-run:${first.runId}"]`)!);
    expect(location.hash).toBe(hashBefore);
    await expect
      .poll(() => inShadow('[data-testid="afk-devtools-tab-runs"]')?.getAttribute('aria-selected'))
      .toBe('true');
    await expect
      .poll(() =>
        inShadow(`[data-testid="afk-devtools-run"][data-run-id="${first.runId}"]`)?.getAttribute(
          'aria-current',
        ),
      )
      .toBe('true');
  });

  it('without agents a decision in the panel is recorded and the run is left to the app', async () => {
    const send = tool({
      name: 'send',
      description: 'sends',
      args: z.object({}),
      effects: 'side_effect',
      needsApproval: true,
      run: async () => 'ok',
    });
    const agent = new Agent({
      name: 'sender',
      tools: [send],
      model: scripted((req) =>
        req.messages.at(-1)?.role === 'tool' ? { text: 'done' } : { toolCalls: [{ name: 'send', args: {} }] },
      ),
    });
    const store = new InMemoryStore();
    const runner = new Runner({ store, config: { interactionMode: 'external' } });
    const r = await runner.run(agent, { userMessage: 'go' });
    mount(<Host store={store} runner={runner} devtools={{ initialIsOpen: true }} />);
    await expect.poll(() => inShadow('[data-testid="afk-devtools-tab-approvals"]')).not.toBeNull();
    await userEvent.click(inShadow('[data-testid="afk-devtools-tab-approvals"]')!);
    await expect.poll(() => inShadow('[data-testid="approve-button"]')).not.toBeNull();
    await userEvent.click(inShadow('[data-testid="approve-button"]')!);
    await expect
      .poll(() => inShadow('[data-testid="decision-notice"]')?.textContent)
      .toBe('Decided. The run continues when it is resumed.');
    expect((await store.getRun(r.runId))?.status).toBe('interrupted');
    expect((await runner.listApprovals({ runId: r.runId }))[0]?.status).toBe('approved');
  });
});
