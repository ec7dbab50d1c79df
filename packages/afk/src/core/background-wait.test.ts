import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { scripted } from '../llms/providers/scripted.js';
import type { LLMRequest } from '../llms/types.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { tool } from '../tools/tool.js';
import { Runner } from './runner.js';
import type { AgentStreamHandle } from './runner-options.js';
import { add } from './test-helpers.js';
import { transcriptText } from './test-support/fixtures.js';

function reportTool(work?: () => Promise<unknown>) {
  return tool({
    name: 'report',
    description: 'Build a report in the background',
    args: z.object({ topic: z.string() }),
    run: (a, ctx) =>
      ctx.defer({ summary: `building the ${a.topic} report`, ...(work ? { work: work() } : {}) }),
  });
}

/** Calls `report`, then answers "final" once it sees the background result, else "waiting". */
function reportModel(onCall?: (i: number) => void) {
  return scripted((req: LLMRequest, i: number) => {
    onCall?.(i);
    const text = transcriptText(req);
    if (text.includes('Background result of report')) return { text: 'final' };
    if (req.messages.some((m) => m.role === 'tool')) return { text: 'waiting for the report' };
    return { toolCalls: [{ id: 'rep', name: 'report', args: { topic: 'sales' } }] };
  });
}

function drain(h: AgentStreamHandle): void {
  void (async () => {
    for await (const _ of h) {
      /* consume */
    }
  })();
}

describe('waiting for background tickets', () => {
  it('interrupt() is honoured while the run waits for a background ticket', async () => {
    const store = new InMemoryStore();
    const model = reportModel();
    const runner = new Runner({ store, config: { backgroundMaxWaitMs: 60_000 } });
    const h = runner.runStream(new Agent({ name: 'bg', model, tools: [reportTool()] }), {
      userMessage: 'go',
    });
    drain(h);
    // The second answer ("waiting") starts the wait; interrupt once the model has given it.
    await new Promise<void>((resolve) => {
      const unwatch = store.watch('all', () => {
        if (model.calls >= 2) {
          unwatch();
          resolve();
        }
      });
    });
    const t0 = Date.now();
    h.interrupt();
    const r = await h.result;
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.state).toBe('interrupted');
    expect(r.pending?.tickets).toEqual([expect.objectContaining({ status: 'pending' })]);
    const paused = (await runner.events(r.runId)).find((e) => e.type === 'run_paused');
    expect(paused?.data).toMatchObject({ reason: 'interrupt' });
  });

  it('external mode: a ticket with no in-process work returns interrupted at once, not after backgroundMaxWaitMs', async () => {
    const runner = new Runner({ config: { interactionMode: 'external', backgroundMaxWaitMs: 60_000 } });
    const t0 = Date.now();
    const r = await runner.run(new Agent({ name: 'bg', model: reportModel(), tools: [reportTool()] }), {
      userMessage: 'go',
    });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.state).toBe('interrupted');
    const paused = (await runner.events(r.runId)).find((e) => e.type === 'run_paused');
    expect(paused?.data).toMatchObject({ reason: 'background' });
  });

  it('external mode still waits for in-process work', async () => {
    let finish: (v: unknown) => void = () => {};
    const model = reportModel((i) => {
      if (i === 1) setTimeout(() => finish({ pages: 2 }), 20);
    });
    const runner = new Runner({ config: { interactionMode: 'external', backgroundMaxWaitMs: 60_000 } });
    const work = () => new Promise((r) => (finish = r));
    const r = await runner.run(new Agent({ name: 'bg', model, tools: [reportTool(work)] }), {
      userMessage: 'go',
    });
    expect(r.state).toBe('completed');
    expect(r.finalText).toBe('final');
  });
});

describe('a background result that has settled is seen by the next model call', () => {
  it('work settled during the tool’s own call: the very next model call sees the result', async () => {
    const store = new InMemoryStore();
    const model = reportModel();
    const runner = new Runner({ store, config: { backgroundMaxWaitMs: 60_000 } });
    const r = await runner.run(
      new Agent({ name: 'bg', model, tools: [reportTool(() => Promise.resolve({ pages: 3 }))] }),
      { userMessage: 'go' },
    );
    expect(r.state).toBe('completed');
    expect(model.calls).toBe(2);
    expect(transcriptText(model.requests[1])).toContain('"pages":3');
    const [ticket] = await store.listTickets({ runId: r.runId, includeResolved: true });
    expect(ticket).toMatchObject({ status: 'completed', output: { pages: 3 }, ingested: true });
  });

  it('work settled during the model’s next call: the call after it sees the result', async () => {
    let finish: (v: unknown) => void = () => {};
    const work = () => new Promise((r) => (finish = r));
    const model = scripted((req: LLMRequest, i: number) => {
      const text = transcriptText(req);
      if (text.includes('Background result of report')) return { text: 'final' };
      if (i === 0) return { toolCalls: [{ id: 'rep', name: 'report', args: { topic: 'sales' } }] };
      // The second call: the work settles while the model "thinks", and it calls another tool.
      finish({ pages: 4 });
      return { toolCalls: [{ id: `add${i}`, name: 'add', args: { a: 1, b: 1 } }] };
    });
    const runner = new Runner({ config: { backgroundMaxWaitMs: 60_000 } });
    const r = await runner.run(new Agent({ name: 'bg', model, tools: [reportTool(work), add] }), {
      userMessage: 'go',
    });
    expect(r.state).toBe('completed');
    expect(model.calls).toBe(3);
    expect(transcriptText(model.requests[2])).toContain('"pages":4');
  });
});
