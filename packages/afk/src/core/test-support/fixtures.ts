import type { LLMRequest, Message } from '../../llms/types.js';

/** The content of the tool message answering `toolCallId` in a request, or undefined. */
export function toolContent(req: LLMRequest | undefined, toolCallId: string): string | undefined {
  const m = req?.messages.find((x) => x.role === 'tool' && x.toolCallId === toolCallId);
  return m?.role === 'tool' ? m.content : undefined;
}

/** Every message's text content, joined (for "the model saw X somewhere" assertions). */
export function transcriptText(req: LLMRequest | undefined): string {
  return (req?.messages ?? [])
    .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)))
    .join('\n');
}

/** Number of tool results in a request (the scripted models below key their turns on it). */
export function toolResults(req: LLMRequest): number {
  return req.messages.filter((m) => m.role === 'tool').length;
}

/**
 * A transcript with generated ids replaced by stable placeholders (in order of appearance), so
 * two runs' transcripts can be compared. The results of one batch of concurrent tool calls are
 * put in call order: they are appended as they finish, so their order is not part of the contract.
 */
export function normaliseTranscript(input: Message[]): unknown {
  const messages: Message[] = [];
  let callOrder: string[] = [];
  let batch: Message[] = [];
  const flushBatch = () => {
    const pos = (m: Message) => (m.role === 'tool' ? callOrder.indexOf(m.toolCallId) : -1);
    messages.push(...batch.sort((x, y) => pos(x) - pos(y)));
    batch = [];
  };
  for (const m of input) {
    if (m.role === 'tool') {
      batch.push(m);
      continue;
    }
    flushBatch();
    if (m.role === 'assistant') callOrder = (m.toolCalls ?? []).map((c) => c.id);
    messages.push(m);
  }
  flushBatch();
  const ids = new Map<string, string>();
  const id = (raw: string) => {
    let v = ids.get(raw);
    if (!v) {
      v = `id${ids.size}`;
      ids.set(raw, v);
    }
    return v;
  };
  const json = JSON.stringify(messages, (key, value: unknown) => {
    if ((key === 'id' || key === 'toolCallId') && typeof value === 'string') return id(value);
    return value;
  });
  // Ids also appear inside text (tickets in background results).
  return JSON.parse(json.replace(/\b(tkt|run|apr)_[A-Za-z0-9_-]+/g, (m) => id(m))) as unknown;
}

/** A small seeded PRNG (mulberry32): deterministic "random" kill points. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
