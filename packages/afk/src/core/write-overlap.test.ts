import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { AfkStorageError } from '../errors/index.js';
import type { LLMClient, LLMRequest, LLMResponse, ToolCall } from '../llms/types.js';
import { InMemoryStore } from '../memory/in-memory.js';
import type { StoreBatch } from '../memory/types.js';
import { tool } from '../tools/tool.js';
import { OVERLAP_WRITES, WRITE_ATTEMPTS } from './durable-writer.js';
import { Runner } from './runner.js';
import { DelegatingStore } from './test-support/delegating-store.js';

/** A store whose writes take a while (a macrotask) and that records what was in flight when. */
class SlowStore extends DelegatingStore<InMemoryStore> {
  inFlight = 0;
  maxInFlight = 0;
  writes: StoreBatch[] = [];
  failAt: ((batch: StoreBatch, nth: number) => boolean) | undefined;
  constructor() {
    super(new InMemoryStore());
  }
  override async write(batch: StoreBatch): Promise<void> {
    this.writes.push(batch);
    const nth = this.writes.length;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (this.failAt?.(batch, nth))
        throw new AfkStorageError('storage_quota', `simulated quota at write ${nth}`);
      await this.inner.write(batch);
    } finally {
      this.inFlight--;
    }
  }
}

const USAGE = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };

/** Calls `tool` twice, then answers; records at each call what the store had committed. */
function model(store: SlowStore, toolName: string) {
  const seen: Array<{ inFlight: number; committedTypes: string[] }> = [];
  let calls = 0;
  const client: LLMClient = {
    provider: 'test',
    model: 'test',
    capabilities: { streaming: false, toolCalling: true, structuredOutput: false, reasoning: false },
    chat: async (_req: LLMRequest): Promise<LLMResponse> => {
      const runId = store.writes[0]?.run?.runId;
      const committed = typeof runId === 'string' ? await store.inner.readEvents(runId) : [];
      seen.push({ inFlight: store.inFlight, committedTypes: committed.map((e) => e.type) });
      const i = calls++;
      const toolCalls: ToolCall[] = i < 2 ? [{ id: `call_${i}`, name: toolName, args: {} }] : [];
      return {
        text: i < 2 ? '' : 'done',
        toolCalls,
        finishReason: toolCalls.length ? 'tool_calls' : 'stop',
        usage: { ...USAGE },
        model: 'test',
      };
    },
    // biome-ignore lint/correctness/useYield: these runs do not stream
    async *stream() {
      throw new Error('no streaming');
    },
  };
  return { client, seen };
}

function counting(effects: 'pure' | 'side_effect') {
  const runs = { n: 0 };
  const t = tool({
    name: 'work',
    description: 'Counts its runs',
    args: z.object({}),
    effects,
    run: async () => `ran ${++runs.n}`,
  });
  return { t, runs };
}

describe('store writes overlapping the model call', () => {
  it('is switched on', () => {
    expect(OVERLAP_WRITES).toBe(true);
  });

  it('pure steps: the opening batch commits while the model works, never two writes at once', async () => {
    const store = new SlowStore();
    const { t, runs } = counting('pure');
    const { client, seen } = model(store, 'work');
    const r = await new Runner({ store }).run(new Agent({ name: 'a', model: client, tools: [t] }), {
      userMessage: 'go',
    });
    expect(r.state).toBe('completed');
    expect(runs.n).toBe(2);
    // The first call waits for run_started; the later ones start with the results batch in flight.
    expect(seen[0]!.inFlight).toBe(0);
    expect(seen[1]!.inFlight).toBeGreaterThan(0);
    expect(seen[2]!.inFlight).toBeGreaterThan(0);
    expect(store.maxInFlight).toBe(1);
    // Nothing was lost: the log is complete and gap-free.
    const events = await store.inner.readEvents(r.runId);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    expect(events.filter((e) => e.type === 'tool_completed')).toHaveLength(2);
  });

  it('a side effect: its journal entry commits before it runs, its result before the next model call', async () => {
    const store = new SlowStore();
    const { t, runs } = counting('side_effect');
    const { client, seen } = model(store, 'work');
    const r = await new Runner({ store }).run(new Agent({ name: 'a', model: client, tools: [t] }), {
      userMessage: 'go',
    });
    expect(r.state).toBe('completed');
    expect(runs.n).toBe(2);
    for (const s of seen.slice(1)) {
      expect(s.inFlight).toBe(0);
      expect(s.committedTypes.at(-1)).toBe('policy_decision');
    }
    expect(seen[1]!.committedTypes.filter((x) => x === 'tool_completed')).toHaveLength(1);
    expect(seen[2]!.committedTypes.filter((x) => x === 'tool_completed')).toHaveLength(2);
  });

  it('a failed overlapped write ends the run failed: the response is not acted on, nothing more is written', async () => {
    const store = new SlowStore();
    const { t, runs } = counting('pure');
    const { client, seen } = model(store, 'work');
    // The batch with the first result (the opening batch of step 2, overlapped with call 2).
    store.failAt = (batch) =>
      batch.events?.some((e) => e.type === 'tool_completed' && e.data.toolCallId === 'call_0') === true;
    const r = await new Runner({ store }).run(new Agent({ name: 'a', model: client, tools: [t] }), {
      userMessage: 'go',
    });
    expect(r.state).toBe('failed');
    expect(r.error?.code).toBe('storage_quota');
    expect(seen).toHaveLength(2);
    // Call 2 asked for the tool again; it did not run on a log that failed to commit.
    expect(runs.n).toBe(1);
    const failedAt = store.writes.findIndex((b) =>
      b.events?.some((e) => e.type === 'tool_completed' && e.data.toolCallId === 'call_0'),
    );
    // After it: its retries (the same batch), then the failure ending (its events, the unused
    // response and run_completed; refused here too) and the record alone, marked failed.
    const after = store.writes.slice(failedAt);
    const failing = store.writes[failedAt]!;
    expect(after.slice(0, WRITE_ATTEMPTS)).toEqual(Array(WRITE_ATTEMPTS).fill(failing));
    for (const b of after.slice(WRITE_ATTEMPTS)) {
      expect(b.run?.status).toBe('failed');
      const types = (b.events ?? []).map((e) => e.type);
      expect(types.filter((x) => x === 'tool_started')).toEqual([]);
      if (types.length) expect(types.at(-1)).toBe('run_completed');
    }
    expect(after.at(-1)!.events).toBeUndefined();
    const events = await store.inner.readEvents(r.runId);
    expect(events.some((e) => e.type === 'tool_completed')).toBe(false);
  });
});
