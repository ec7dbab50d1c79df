import type { Message } from 'afk/llms';

/**
 * Where the conversation at one step stops repeating the previous step's: the index of the first
 * message that is new (or changed) since `previous`. Messages are compared by value, so a
 * transcript rebuilt from the log lines up with the one before it.
 *
 * @example
 * firstNewMessage([u], [u, a, t]); // 1 — the assistant turn and the tool result are new
 */
export function firstNewMessage(
  previous: readonly Message[] | undefined,
  current: readonly Message[],
): number {
  if (!previous) return 0;
  const n = Math.min(previous.length, current.length);
  for (let i = 0; i < n; i++) if (!sameMessage(previous[i] as Message, current[i] as Message)) return i;
  return n;
}

function sameMessage(a: Message, b: Message): boolean {
  if (a === b) return true;
  if (a.role !== b.role) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
