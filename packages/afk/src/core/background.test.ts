import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { scripted } from '../llms/providers/scripted.js';
import type { LLMRequest } from '../llms/types.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { tool } from '../tools/tool.js';
import { Runner } from './runner.js';
import { transcriptText } from './test-support/fixtures.js';

/** A tool that defers: with `work` when given, else an external ticket. */
function reportTool(opts: { work?: () => Promise<unknown>; ttlMs?: number } = {}) {
  let bodies = 0;
  const t = tool({
    name: 'report',
    description: 'Build a report in the background',
    args: z.object({ topic: z.string() }),
    run: (a, ctx) => {
      bodies++;
      return ctx.defer({
        summary: `building the ${a.topic} report`,
        ...(opts.work ? { work: opts.work() } : {}),
        ...(opts.ttlMs === undefined ? {} : { ttlMs: opts.ttlMs }),
      });
    },
  });
  return { tool: t, bodies: () => bodies };
}

/**
 * Calls `report` once, then answers from what it sees: the background result, a background
 * failure, or (while the ticket is pending) "waiting".
 */
function reportModel() {
  return scripted((req: LLMRequest) => {
    const text = transcriptText(req);
    if (text.includes('Background result of report'))
      return { text: `final: ${/"pages":\d+/.exec(text)?.[0] ?? '?'}` };
    if (text.includes('Background call report')) return { text: 'final: the report failed' };
    if (req.messages.some((m) => m.role === 'tool')) return { text: 'waiting for the report' };
    return { toolCalls: [{ id: 'rep', name: 'report', args: { topic: 'sales' } }] };
  });
}

describe('B28: ctx.defer with in-process work', () => {
  it('emits tool_deferred with a ticket, the run continues, the settled output reaches the model', async () => {
    let finishWork: (v: unknown) => void = () => {};
    const rep = reportTool({ work: () => new Promise((r) => (finishWork = r)) });
    const model = reportModel();
    const store = new InMemoryStore();
    const runner = new Runner({ store, config: { backgroundMaxWaitMs: 5000 } });
    const resultP = runner.run(new Agent({ name: 'bg', model, tools: [rep.tool] }), {
      userMessage: 'report',
    });

    // The run continues while the work is in flight: the model is asked again and answers.
    await waitUntil(() => model.calls >= 2);
    const deferredTool = model.requests[1]!.messages.find((m) => m.role === 'tool');
    expect(deferredTool?.role === 'tool' && JSON.parse(deferredTool.content)).toMatchObject({
      status: 'deferred',
      summary: 'building the sales report',
    });
    const [runId] = [model.requests[0]!.metadata?.runId as string];
    const pending = await store.listTickets({ runId });
    expect(pending).toEqual([
      expect.objectContaining({
        toolName: 'report',
        toolCallId: 'rep',
        status: 'pending',
        summary: 'building the sales report',
      }),
    ]);

    finishWork({ pages: 7 });
    const r = await resultP;
    expect(r.state).toBe('completed');
    expect(r.finalText).toBe('final: "pages":7');
    expect(rep.bodies()).toBe(1);
    const last = model.requests.at(-1)!;
    expect(transcriptText(last)).toContain('"pages":7');
    const events = await runner.events(r.runId);
    const deferred = events.find((e) => e.type === 'tool_deferred');
    const resolved = events.find((e) => e.type === 'tool_background_resolved');
    expect(deferred?.data).toMatchObject({ toolCallId: 'rep', ticket: { status: 'pending' } });
    expect(resolved?.data).toMatchObject({ toolCallId: 'rep', output: { pages: 7 } });
    expect(events.indexOf(resolved!)).toBeGreaterThan(events.indexOf(deferred!));
    const tickets = await runner.listBackgroundTools({
      runId: r.runId,
      threadId: r.threadId,
      includeResolved: true,
    });
    expect(tickets).toEqual([
      expect.objectContaining({ status: 'completed', output: { pages: 7 }, ingested: true }),
    ]);
  });

  it('work that rejects → tool_background_failed and the model sees the error', async () => {
    const rep = reportTool({
      work: () => new Promise((_, rej) => setTimeout(() => rej(new Error('printer on fire')), 5)),
    });
    const model = reportModel();
    const runner = new Runner({ config: { backgroundMaxWaitMs: 5000 } });
    const r = await runner.run(new Agent({ name: 'bg', model, tools: [rep.tool] }), {
      userMessage: 'report',
    });
    expect(r.state).toBe('completed');
    expect(r.finalText).toBe('final: the report failed');
    expect(transcriptText(model.requests.at(-1))).toContain('printer on fire');
    expect((await runner.events(r.runId)).some((e) => e.type === 'tool_background_failed')).toBe(true);
  });
});

describe('B29/B30: external tickets', () => {
  async function interruptedOnTicket(
    config: { backgroundPolicy?: 'wait' | 'interrupt'; backgroundMaxWaitMs?: number },
    ttlMs?: number,
  ) {
    const store = new InMemoryStore();
    const rep = reportTool(ttlMs === undefined ? {} : { ttlMs });
    const model = reportModel();
    const agent = new Agent({ name: 'bg', model, tools: [rep.tool] });
    const t0 = Date.now();
    const r = await new Runner({ store, config }).run(agent, { userMessage: 'report' });
    return { store, rep, model, agent, r, elapsed: Date.now() - t0 };
  }

  it('the model answers while a ticket is pending: waits (bounded) then returns interrupted with the ticket pending', async () => {
    const { r, elapsed, model } = await interruptedOnTicket({ backgroundMaxWaitMs: 60 });
    expect(r.state).toBe('interrupted');
    expect(elapsed).toBeGreaterThanOrEqual(50);
    expect(r.pending?.tickets).toEqual([expect.objectContaining({ toolName: 'report', status: 'pending' })]);
    expect(r.pending?.approvals).toEqual([]);
    expect(r.finalText).toBe('waiting for the report');
    expect(model.calls).toBe(2);
  });

  it('resolveBackgroundTool on a fresh runner + resume ingests the output and completes', async () => {
    const { store, model, agent, r } = await interruptedOnTicket({ backgroundMaxWaitMs: 20 });
    const ticket = r.pending!.tickets[0]!;
    const fresh = new Runner({ store });
    expect(await fresh.listBackgroundTools({ runId: r.runId, threadId: r.threadId })).toEqual([
      expect.objectContaining({ ticketId: ticket.ticketId }),
    ]);
    await fresh.resolveBackgroundTool({
      runId: r.runId,
      threadId: r.threadId,
      ticketId: ticket.ticketId,
      output: { pages: 12 },
    });
    await expect(
      fresh.resolveBackgroundTool({
        runId: r.runId,
        threadId: r.threadId,
        ticketId: ticket.ticketId,
        output: 1,
      }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    const done = await fresh.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(done.finalText).toBe('final: "pages":12');
    expect(transcriptText(model.requests.at(-1))).toContain('"pages":12');
    expect(await fresh.listBackgroundTools({ runId: r.runId, threadId: r.threadId })).toEqual([]);
    const events = await fresh.events(r.runId);
    expect(events.filter((e) => e.type === 'tool_background_resolved')).toHaveLength(1);
  });

  it('failBackgroundTool → the model sees the error', async () => {
    const { store, model, agent, r } = await interruptedOnTicket({ backgroundMaxWaitMs: 20 });
    const fresh = new Runner({ store });
    await fresh.failBackgroundTool({
      runId: r.runId,
      threadId: r.threadId,
      ticketId: r.pending!.tickets[0]!.ticketId,
      error: 'quota exceeded',
    });
    const done = await fresh.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(done.finalText).toBe('final: the report failed');
    expect(transcriptText(model.requests.at(-1))).toContain('quota exceeded');
    expect(
      (await fresh.events(r.runId)).find((e) => e.type === 'tool_background_failed')?.data,
    ).toMatchObject({ error: 'quota exceeded' });
  });

  it('a ticket resolved while the run waits is ingested without a resume', async () => {
    const store = new InMemoryStore();
    const rep = reportTool();
    const model = reportModel();
    const runner = new Runner({ store, config: { backgroundMaxWaitMs: 5000 } });
    const p = runner.run(new Agent({ name: 'bg', model, tools: [rep.tool] }), { userMessage: 'report' });
    await waitUntil(() => model.calls >= 2);
    const runId = model.requests[0]!.metadata?.runId as string;
    let tickets = await store.listTickets({ runId });
    while (tickets.length === 0) {
      await new Promise((r) => setTimeout(r, 2));
      tickets = await store.listTickets({ runId });
    }
    await new Runner({ store }).resolveBackgroundTool({
      runId,
      threadId: tickets[0]!.threadId,
      ticketId: tickets[0]!.ticketId,
      output: { pages: 2 },
    });
    const r = await p;
    expect(r.state).toBe('completed');
    expect(r.finalText).toBe('final: "pages":2');
  });

  it('an expired ticket → tool_background_failed', async () => {
    const { r, model } = await interruptedOnTicket({ backgroundMaxWaitMs: 200 }, 1);
    expect(r.state).toBe('completed');
    expect(r.finalText).toBe('final: the report failed');
    expect(transcriptText(model.requests.at(-1))).toContain('expired');
  });

  it('an expired ticket is reported as tool_background_failed in the log, ticket expired', async () => {
    const { store, r } = await interruptedOnTicket({ backgroundMaxWaitMs: 200 }, 1);
    const runner = new Runner({ store });
    const ev = (await runner.events(r.runId)).find((e) => e.type === 'tool_background_failed');
    expect(ev?.data).toMatchObject({ toolCallId: 'rep', error: expect.stringContaining('expired') });
    const tickets = await runner.listBackgroundTools({
      runId: r.runId,
      threadId: r.threadId,
      includeResolved: true,
    });
    expect(tickets).toEqual([expect.objectContaining({ status: 'expired', ingested: true })]);
  });

  it("backgroundPolicy 'interrupt' → interrupted immediately, no waiting", async () => {
    const { store, r, elapsed } = await interruptedOnTicket({
      backgroundPolicy: 'interrupt',
      backgroundMaxWaitMs: 10_000,
    });
    expect(r.state).toBe('interrupted');
    expect(elapsed).toBeLessThan(1000);
    expect(r.pending?.tickets).toEqual([expect.objectContaining({ status: 'pending' })]);
    const paused = (await new Runner({ store }).events(r.runId)).find((e) => e.type === 'run_paused');
    expect(paused?.data).toMatchObject({ reason: 'background', tickets: [r.pending!.tickets[0]!.ticketId] });
  });
});

async function waitUntil(cond: () => boolean, ms = 2000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('waitUntil timed out');
    await new Promise((r) => setTimeout(r, 1));
  }
}
