import { describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import { scripted } from '../llms/providers/scripted.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { RunRecordSchema } from '../memory/rows.js';
import { RUN_SUMMARY_INPUT_CHARS } from '../memory/types.js';
import { Runner } from './runner.js';
import { add } from './test-helpers.js';

describe('the run record carries a listing summary', () => {
  it('first user message, steps and usage, without reading events', async () => {
    const store = new InMemoryStore();
    const model = scripted([
      { toolCalls: [{ name: 'add', args: { a: 1, b: 2 } }], usage: { inputTokens: 10, outputTokens: 4 } },
      { text: 'three', usage: { inputTokens: 20, outputTokens: 2 } },
    ]);
    const r = await new Runner({ store }).run(new Agent({ name: 'calc', model, tools: [add] }), {
      userMessage: '  Add\n 1 and 2  ',
    });
    const rec = await store.getRun(r.runId);
    expect(rec?.summary).toEqual({
      input: 'Add 1 and 2',
      steps: 2,
      usage: { inputTokens: 30, outputTokens: 6, totalTokens: 36, costUsd: r.usage.costUsd },
    });
    expect(RunRecordSchema.safeParse(rec).success).toBe(true);
  });

  it('keeps a long message short, and a record without a summary still validates (older rows)', async () => {
    const store = new InMemoryStore();
    const long = 'x'.repeat(5000);
    const r = await new Runner({ store }).run(new Agent({ name: 'a', model: scripted([{ text: 'ok' }]) }), {
      userMessage: long,
    });
    const rec = await store.getRun(r.runId);
    expect(rec?.summary?.input).toHaveLength(RUN_SUMMARY_INPUT_CHARS);
    const { summary: _, ...old } = rec!;
    expect(RunRecordSchema.safeParse(old).success).toBe(true);
    expect(RunRecordSchema.safeParse({ ...old, summary: { steps: -1, usage: {} } }).success).toBe(false);
  });
});
