import { contentText, type LLMRequest, type Message } from 'afk/llms';

type ToolMessage = Extract<Message, { role: 'tool' }>;

/** What a scripted demo model reads from the conversation: the last user ask and the tool results since. */
export interface Conversation {
  ask: string;
  /** Tool results after the last user message, by tool name (the last one wins). */
  results: Map<string, ToolMessage>;
}

/**
 * The demo models "reason" from the conversation only (never a call counter), so a run resumed in
 * a fresh page, after a reload or in another tab, picks up exactly where it stopped.
 */
export function readConversation(req: LLMRequest): Conversation {
  let lastUser = -1;
  req.messages.forEach((m, i) => {
    if (m.role === 'user') lastUser = i;
  });
  const userMessage = req.messages[lastUser];
  const ask = userMessage && userMessage.role === 'user' ? contentText(userMessage.content) : '';
  const results = new Map<string, ToolMessage>();
  for (const m of req.messages.slice(lastUser + 1)) if (m.role === 'tool') results.set(m.name, m);
  return { ask, results };
}

/** A tool result's content parsed as JSON when it is JSON, else the text. */
export function resultValue(m: ToolMessage): unknown {
  try {
    return JSON.parse(m.content);
  } catch {
    return m.content;
  }
}
