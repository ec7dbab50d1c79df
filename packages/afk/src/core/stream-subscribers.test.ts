import { describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import { scripted } from '../llms/providers/scripted.js';
import { Runner } from './runner.js';
import type { AgentStreamEvent, StreamLagWarning } from './stream.js';
import { add } from './test-helpers.js';

/** Step 1 streams `deltas` text deltas and calls a tool; step 2 answers: a step boundary after many events. */
function chattyAgent(deltas: number) {
  return new Agent({
    name: 'chatty',
    model: scripted([
      {
        deltas: Array.from({ length: deltas }, () => 'x'),
        toolCalls: [{ id: 'c1', name: 'add', args: { a: 1, b: 2 } }],
      },
      { text: 'done' },
    ]),
    tools: [add],
  });
}

/** Rejects if `p` does not settle within `ms` (a stalled run fails the test instead of hanging it). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([p, bound]).finally(() => clearTimeout(timer));
}

async function drain(it: AsyncIterable<AgentStreamEvent>): Promise<AgentStreamEvent[]> {
  const out: AgentStreamEvent[] = [];
  for await (const ev of it) out.push(ev);
  return out;
}

const lagWarnings = (events: AgentStreamEvent[]) =>
  events.filter((e) => e.type === 'warning' && (e.data as StreamLagWarning).code === 'stream_events_dropped');

describe('stream subscribers', () => {
  it('an extra subscriber that reads one event and stops never holds the run back; it lags with a warning', async () => {
    const limit = 300;
    const runner = new Runner({ config: { streamBufferLimit: limit } });
    const handle = runner.runStream(chattyAgent(400), { userMessage: 'go' });
    const extra = handle.subscribe();
    const first = await extra.next();
    expect(first.done).toBe(false);
    // The primary reads everything; the extra subscriber reads nothing more until the run ends.
    const primary = await within(drain(handle), 10_000, 'the primary stream');
    const result = await within(handle.result, 10_000, 'the run');
    expect(result.state).toBe('completed');
    expect(primary.at(-1)?.type).toBe('completed');
    expect(primary.map((e) => e.seq)).toEqual(primary.map((_, i) => i));
    expect(lagWarnings(primary)).toEqual([]);

    const rest = await drain(extra);
    // Bounded: at most `limit` buffered, then one warning with the count, then `completed`.
    expect(rest.length).toBe(limit + 2);
    const [warning] = lagWarnings(rest);
    expect(rest.at(-2)).toBe(warning);
    expect(rest.at(-1)?.type).toBe('completed');
    const data = warning!.data as StreamLagWarning;
    const published = primary.length;
    expect(data.dropped).toBe(published - 1 - limit - 1);
    expect(data.fromSeq).toBe(rest[limit - 1]!.seq + 1);
    expect(data.toSeq).toBe(rest.at(-1)!.seq - 1);
    expect((extra as unknown as { dropped: number }).dropped).toBe(data.dropped);
  });

  it('a primary consumer that never reads gets the documented warning for the events it lost', async () => {
    const limit = 50;
    const runner = new Runner({ config: { streamBufferLimit: limit } });
    const handle = runner.runStream(chattyAgent(200), { userMessage: 'go' });
    const result = await within(handle.result, 10_000, 'the run');
    expect(result.state).toBe('completed');
    const events = await drain(handle);
    expect(events.length).toBe(limit + 2);
    expect(events.slice(0, limit).map((e) => e.seq)).toEqual(events.slice(0, limit).map((_, i) => i));
    const [warning] = lagWarnings(events);
    expect(warning).toBeDefined();
    const completed = events.at(-1)!;
    expect(completed.type).toBe('completed');
    const data = warning!.data as StreamLagWarning;
    expect(data).toMatchObject({ fromSeq: limit, toSeq: completed.seq - 1, dropped: completed.seq - limit });
    expect(data.message).toContain('streamBufferLimit 50');
  });
});
