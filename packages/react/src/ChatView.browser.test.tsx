import type { Message } from 'afk/llms';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { CHAT_PAGE, ChatView } from './ChatView.js';
import './styles.css';

let root: Root | undefined;
let container: HTMLDivElement | undefined;
afterEach(() => {
  act(() => root?.unmount());
  container?.remove();
});

const transcript = (n: number): Message[] =>
  Array.from({ length: n }, (_, i) =>
    i % 2 === 0 ? { role: 'user', content: `question ${i}` } : { role: 'assistant', content: `answer ${i}` },
  );

function mount(node: React.ReactNode): HTMLDivElement {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  act(() => root?.render(node));
  return container;
}

describe('<ChatView />', () => {
  it('renders the newest page of a long transcript and shows earlier ones on request', () => {
    const el = mount(<ChatView messages={transcript(450)} newFrom={445} />);
    const shown = () => Array.from(el.querySelectorAll<HTMLElement>('[data-testid="chat-message"]'));
    expect(shown()).toHaveLength(CHAT_PAGE);
    expect(shown().at(-1)?.textContent).toContain('answer 449');
    expect(shown().filter((m) => m.dataset.new === 'true')).toHaveLength(5);
    const more = el.querySelector<HTMLButtonElement>('[data-testid="chat-show-earlier"]');
    expect(more?.textContent).toContain('250 earlier messages hidden');
    act(() => more?.click());
    expect(shown()).toHaveLength(2 * CHAT_PAGE);
    act(() => el.querySelector<HTMLButtonElement>('[data-testid="chat-show-earlier"]')?.click());
    expect(shown()).toHaveLength(450);
    expect(shown()[0]?.textContent).toContain('question 0');
    expect(el.querySelector('[data-testid="chat-show-earlier"]')).toBeNull();
  });

  it('always shows everything new since the previous step, however far back it starts', () => {
    const el = mount(<ChatView messages={transcript(600)} newFrom={100} />);
    expect(el.querySelectorAll('[data-testid="chat-message"]')).toHaveLength(500);
    expect(el.querySelector('.afk-msg-divider')).not.toBeNull();
  });
});
