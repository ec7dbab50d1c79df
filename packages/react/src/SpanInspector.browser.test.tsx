import { Agent } from 'afk/agents';
import { Runner } from 'afk/core';
import { Debugger, type Span, type Timeline } from 'afk/debugger';
import { scripted } from 'afk/llms';
import { InMemoryStore } from 'afk/memory';
import { tool } from 'afk/tools';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { z } from 'zod';
import { AfkProvider } from './context.js';
import { RunDiffView } from './RunDiffView.js';
import { SpanInspector } from './SpanInspector.js';
import { allSpans } from './span-tree.js';
import './styles.css';

const add = tool({
  name: 'add',
  description: 'Add two numbers',
  args: z.object({ a: z.number(), b: z.number() }),
  run: ({ a, b }) => a + b,
  effects: 'pure',
});

/** A real run: the model asks for add(2, 3), then answers with what the tool returned. */
async function toolRun(store: InMemoryStore, answer = 'It is 5.') {
  const model = scripted([
    {
      toolCalls: [{ id: 'call_1', name: 'add', args: { a: 2, b: 3 } }],
      usage: { inputTokens: 20, outputTokens: 5 },
    },
    { text: answer, usage: { inputTokens: 30, outputTokens: 4 } },
  ]);
  const agent = new Agent({ name: 'calc', model, instructions: 'You add.', tools: [add] });
  const r = await new Runner({ store }).run(agent, { userMessage: 'Add 2 and 3' });
  expect(r.state).toBe('completed');
  return r.runId;
}

let container: HTMLDivElement;
let root: Root;
const mount = (node: React.ReactNode) => {
  root = createRoot(container);
  root.render(node);
};
const q = <T extends Element = HTMLElement>(sel: string) => container.querySelector<T>(sel);
const until = async (f: () => boolean, what: string) => {
  await expect.poll(f, { message: what, timeout: 5000 }).toBe(true);
};

beforeEach(async () => {
  await page.viewport(1280, 900);
  container = document.createElement('div');
  container.style.width = '560px';
  document.body.append(container);
});
afterEach(() => {
  root.unmount();
  container.remove();
});

const find = (tl: Timeline, f: (s: Span) => boolean) => allSpans(tl.root).find(f) as Span;

describe('<SpanInspector />', () => {
  it('renders what the model saw at the second call as a chat, the new turns marked', async () => {
    const store = new InMemoryStore();
    const runId = await toolRun(store);
    const tl = await new Debugger({ store }).timeline(runId);
    const llms = allSpans(tl.root).filter((s) => s.kind === 'llm');
    expect(llms).toHaveLength(2);
    mount(
      <AfkProvider store={store}>
        <SpanInspector span={llms[1]} timeline={tl} />
      </AfkProvider>,
    );
    await until(() => container.querySelectorAll('[data-testid="chat-message"]').length > 0, 'chat');
    const msgs = Array.from(container.querySelectorAll<HTMLElement>('[data-testid="chat-message"]'));
    const roles = msgs.map((m) => m.dataset.role);
    expect(roles.slice(-3)).toEqual(['user', 'assistant', 'tool']);
    // The assistant turn shows its tool call with its args; the tool turn its result.
    const assistant = msgs.at(-2) as HTMLElement;
    expect(assistant.querySelector('[data-testid="chat-tool-call"]')?.textContent).toContain('add');
    expect(assistant.textContent).toContain('2');
    expect(msgs.at(-1)?.textContent).toContain('5');
    // New since the first call: the assistant turn and the tool result, not the user message.
    expect(msgs.map((m) => m.dataset.new)).toEqual([...msgs.slice(0, -2).map(() => 'false'), 'true', 'true']);
    expect(q('.afk-msg-divider')?.textContent).toContain('new since the previous step');

    // Usage tab: tokens and cost of that call.
    await userEvent.click(q('[data-testid="inspector-tab-usage"]') as HTMLElement);
    expect(q('[data-testid="usage-in"]')?.textContent).toBe('30');
    expect(q('[data-testid="usage-out"]')?.textContent).toBe('4');
    // Raw tab: the log events of the call.
    await userEvent.click(q('[data-testid="inspector-tab-raw"]') as HTMLElement);
    await until(
      () => (q('[data-testid="raw-events"]')?.textContent ?? '').includes('llm_completed'),
      'raw events',
    );
  });

  it('shows a tool call’s args and output as collapsible JSON', async () => {
    const store = new InMemoryStore();
    const runId = await toolRun(store);
    const tl = await new Debugger({ store }).timeline(runId);
    mount(
      <AfkProvider store={store}>
        <SpanInspector span={find(tl, (s) => s.kind === 'tool')} timeline={tl} />
      </AfkProvider>,
    );
    await until(() => q('[data-testid="span-input"]') !== null, 'io tab is the default for a tool');
    expect(q('[data-testid="span-input"]')?.textContent).toContain('a: 2');
    expect(q('[data-testid="span-output"]')?.textContent).toContain('5');
    const toggle = q('[data-testid="span-input"] .afk-json-toggle') as HTMLElement;
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    await userEvent.click(toggle);
    expect(q('[data-testid="span-input"]')?.textContent).toContain('2 keys');
  });

  it('opens a failed run’s model call on its Error tab: code, message, retryable', async () => {
    const store = new InMemoryStore();
    const model = scripted([{ error: { status: 401, message: 'invalid api key' } }]);
    const r = await new Runner({ store }).run(new Agent({ name: 'broken', model }), { userMessage: 'hi' });
    expect(r.state).toBe('failed');
    const tl = await new Debugger({ store }).timeline(r.runId);
    const llm = find(tl, (s) => s.kind === 'llm');
    expect(llm.status).toBe('error');
    mount(
      <AfkProvider store={store}>
        <SpanInspector span={llm} timeline={tl} />
      </AfkProvider>,
    );
    await until(() => q('[data-testid="span-error-detail"]') !== null, 'error tab first');
    expect(q('[data-testid="inspector-tab-error"]')?.getAttribute('aria-selected')).toBe('true');
    expect(q('[data-testid="error-code"]')?.textContent).toBe('llm_auth');
    expect(q('[data-testid="error-message"]')?.textContent).toContain('invalid api key');
    expect(q('[data-testid="span-error-detail"]')?.textContent).toContain('retryableno');
    // The run span says why the run failed too.
    root.unmount();
    mount(
      <AfkProvider store={store}>
        <SpanInspector span={tl.root} timeline={tl} />
      </AfkProvider>,
    );
    await until(() => q('[data-testid="span-error"]') !== null, 'run error');
    expect(q('[data-testid="span-error"]')?.textContent).toContain('llm_auth');
  });
});

describe('<RunDiffView />', () => {
  it('puts two runs side by side: the changed step, the final texts and the deltas', async () => {
    const store = new InMemoryStore();
    const a = await toolRun(store, 'It is 5.');
    const b = await toolRun(store, 'The sum is 5.');
    const diff = await new Debugger({ store }).diff(a, b);
    mount(<RunDiffView diff={diff} labelA="A" labelB="B" />);
    await until(() => q('[data-testid="run-diff"]') !== null, 'diff renders');
    const steps = Array.from(container.querySelectorAll<HTMLElement>('[data-testid="diff-step"]'));
    expect(steps.map((s) => s.dataset.change)).toEqual(['same', 'changed']);
    expect(steps[1]?.querySelector('.afk-diff-mark')?.textContent).toContain('≠');
    expect(q('[data-testid="final-a"]')?.textContent).toBe('It is 5.');
    expect(q('[data-testid="final-b"]')?.textContent).toBe('The sum is 5.');
    expect(q('[data-testid="diff-deltas"]')?.textContent).toContain('tokens (B − A)');
  });
});
