import type { Message } from '../llms/types.js';
import type { MemoryStore } from '../memory/types.js';

/** A thread's memory: the messages of its last run, with unanswered tool calls closed off. */
export async function threadMessages(store: MemoryStore, runId: string): Promise<Message[]> {
  const { loadRunState } = await import('./load.js');
  const state = await loadRunState(store, runId);
  if (!state) return [];
  const messages = state.messages;
  const answered = new Set(
    messages.filter((m) => m.role === 'tool').map((m) => (m as { toolCallId: string }).toolCallId),
  );
  const out: Message[] = [];
  for (const m of messages) {
    out.push(m);
    if (m.role === 'assistant' && m.toolCalls) {
      for (const c of m.toolCalls) {
        if (!answered.has(c.id))
          out.push({
            role: 'tool',
            toolCallId: c.id,
            name: c.name,
            content: 'Not executed: the run ended before this call ran.',
            isError: true,
          });
      }
    }
  }
  return out;
}
