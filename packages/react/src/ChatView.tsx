import { contentText, type Message } from 'afk/llms';
import { useState } from 'react';
import { JsonView } from './JsonView.js';

/**
 * How many of the newest messages a chat renders at first (plus whatever is new since the
 * previous step); earlier ones come in pages of this size behind "show earlier". A late step of a
 * long run holds tens of thousands of messages, and a page-sized DOM keeps the rest of the devtools
 * (timeline scrolling, zooming) fast.
 */
export const CHAT_PAGE = 200;

export interface ChatViewProps {
  messages: readonly Message[];
  /** Messages from this index on are marked "new since the previous step". */
  newFrom?: number | undefined;
  'data-testid'?: string;
}

const ROLE_LABEL: Record<Message['role'], string> = {
  system: 'system',
  user: 'user',
  assistant: 'assistant',
  tool: 'tool',
};

/**
 * A conversation as a chat: system and user turns, assistant turns with the tool calls they
 * asked for (name and args), tool results (errors marked), and — when `newFrom` is given — a
 * divider and a marker on what is new since the previous step.
 *
 * @example
 * <ChatView messages={view.messages} newFrom={firstNewMessage(prev.messages, view.messages)} />
 */
export function ChatView({ messages, newFrom, ...rest }: ChatViewProps) {
  const [pages, setPages] = useState(1);
  if (!messages.length) return <p className="afk-empty">No messages yet at this point.</p>;
  // The newest pages, always from the first new message on when that is further back.
  const newest = Math.max(0, messages.length - pages * CHAT_PAGE);
  const from = newFrom !== undefined && newFrom > 0 ? Math.min(newest, newFrom) : newest;
  return (
    <>
      {from > 0 && (
        <button
          type="button"
          className="afk-btn afk-small afk-chat-earlier"
          data-testid="chat-show-earlier"
          onClick={() => setPages((p) => p + 1)}
        >
          {from.toLocaleString('en-US')} earlier {from === 1 ? 'message' : 'messages'} hidden — show{' '}
          {Math.min(from, CHAT_PAGE)} more
        </button>
      )}
      <ol className="afk-chat" start={from + 1} data-testid={rest['data-testid'] ?? 'chat'}>
        {messages.slice(from).map((m, j) => {
          const i = from + j;
          const isNew = newFrom !== undefined && i >= newFrom && newFrom > 0;
          return (
            <li
              // A transcript is append-only: the message's index is its identity.
              key={i}
              className={`afk-msg afk-msg-${m.role}${isNew ? ' is-new' : ''}${m.role === 'tool' && m.isError ? ' is-error' : ''}`}
              data-testid="chat-message"
              data-role={m.role}
              data-new={isNew}
            >
              {isNew && i === newFrom && (
                <div className="afk-msg-divider" aria-hidden="true">
                  new since the previous step
                </div>
              )}
              <div className="afk-msg-head">
                <span className="afk-msg-role">{ROLE_LABEL[m.role]}</span>
                {m.role === 'tool' && (
                  <span className="afk-mono afk-small">
                    {m.name} · {m.toolCallId}
                    {m.isError ? ' · error' : ''}
                  </span>
                )}
                {isNew && <span className="afk-msg-new">new</span>}
              </div>
              <MessageBody message={m} />
            </li>
          );
        })}
      </ol>
    </>
  );
}

function MessageBody({ message: m }: { message: Message }) {
  if (m.role === 'assistant')
    return (
      <>
        {m.content && <div className="afk-msg-text">{m.content}</div>}
        {m.toolCalls?.map((c) => (
          <div key={c.id} className="afk-msg-call" data-testid="chat-tool-call">
            <span className="afk-mono">
              → {c.name}
              <span className="afk-muted"> · {c.id}</span>
            </span>
            <JsonView value={c.args} openDepth={1} label={`Arguments of ${c.name}`} />
          </div>
        ))}
      </>
    );
  if (m.role === 'tool')
    return looksLikeJson(m.content) ? (
      <JsonView value={m.content} openDepth={1} label={`Result of ${m.name}`} />
    ) : (
      <div className="afk-msg-text afk-mono">{m.content}</div>
    );
  return <div className="afk-msg-text">{contentText(m.content)}</div>;
}

function looksLikeJson(s: string): boolean {
  const t = s.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}
