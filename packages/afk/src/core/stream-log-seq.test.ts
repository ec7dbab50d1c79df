import { describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import { scripted } from '../llms/providers/scripted.js';
import { Runner } from './runner.js';
import type { AgentStreamEvent } from './stream.js';
import { add } from './test-helpers.js';

describe('stream and log alignment', () => {
  it('every stream event names the stored log event it comes from (logSeq)', async () => {
    const model = scripted(
      [{ toolCalls: [{ id: 'c1', name: 'add', args: { a: 1, b: 2 } }] }, { text: 'three it is' }],
      { streamChunkSize: 4 },
    );
    const runner = new Runner();
    const handle = runner.runStream(new Agent({ name: 'sum', model, tools: [add] }), { userMessage: 'add' });
    const seen: AgentStreamEvent[] = [];
    for await (const ev of handle) seen.push(ev);
    const log = await runner.events(handle.runId);
    const at = (seq: number | undefined) => log.find((e) => e.seq === seq);
    expect(seen.every((ev) => typeof ev.logSeq === 'number')).toBe(true);
    // The stream's own seq is gap-free; logSeq points into the log.
    expect(seen.map((ev) => ev.seq)).toEqual(seen.map((_, i) => i));
    for (const ev of seen) {
      const stored = at(ev.logSeq);
      if (ev.type === 'text_delta' || ev.type === 'tool_input_delta') expect(stored?.type).toBe('llm_called');
      else if (ev.type === 'completed') expect(stored?.type).toBe('run_completed');
      else expect(stored?.type).toBe(ev.type);
    }
    expect(seen.filter((ev) => ev.type === 'text_delta').length).toBeGreaterThan(1);
  });
});
