import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { Runner } from '../core/runner.js';
import { isAfkError } from '../errors/index.js';
import { scripted } from '../llms/providers/scripted.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { tool } from '../tools/tool.js';
import { AFK_PAGE_GLOBAL, type AfkPageHandle, exposeAfk } from './expose.js';
import { researchAgent } from './test-support/fixtures.js';

const book = tool({
  name: 'book',
  description: 'books a flight',
  args: z.object({ to: z.string() }),
  needsApproval: true,
  run: async ({ to }) => `booked ${to}`,
});
const travel = new Agent({
  name: 'travel',
  tools: [book],
  model: scripted((req) =>
    req.messages.some((m) => m.role === 'tool')
      ? { text: 'done' }
      : { toolCalls: [{ name: 'book', args: { to: 'PAR' } }] },
  ),
});

describe('exposeAfk', () => {
  it('puts a versioned, JSON-only handle on the page: waitForRun, decide (then resume), evaluate, export', async () => {
    const store = new InMemoryStore();
    const runner = new Runner({ store, config: { interactionMode: 'external' } });
    const page: Record<string, unknown> = {};
    const { remove } = exposeAfk({ runner, agents: { travel, research: researchAgent() }, target: page });
    const afk = page[AFK_PAGE_GLOBAL] as AfkPageHandle;
    expect(afk.version).toBe(1);
    expect(afk.agents).toEqual(['travel', 'research']);

    // Waiting before the run exists: resolved live when it pauses for the approval.
    const waiting = afk.waitForRun({ state: ['completed', 'interrupted'], agentName: 'travel' });
    const started = runner.run(travel, { userMessage: 'fly me to Paris' });
    const paused = await waiting;
    expect(paused.status).toBe('interrupted');
    expect(paused.events[0]!.type).toBe('run_started');
    expect((await started).state).toBe('interrupted');
    expect(JSON.parse(JSON.stringify(paused))).toEqual(paused);

    const decided = await afk.decide('next', { kind: 'approve' });
    expect(decided).toEqual({ approvalId: expect.any(String), runId: paused.runId, resumed: true });
    const done = await afk.waitForRun({ runId: paused.runId, state: 'completed' });
    expect(done.result?.finalText).toBe('done');
    expect(done.result?.toolExecutions[0]).toMatchObject({
      toolName: 'book',
      success: true,
      output: 'booked PAR',
    });

    const exported = await afk.export(paused.runId);
    expect(exported.format).toBe('afk-run-export');

    const report = await afk.evaluate({
      agent: 'research',
      cases: [
        { id: 'q', input: 'question', assertions: [{ type: 'toolSequence', names: ['search', 'answer'] }] },
        { id: 'boom', input: 'explode' },
      ],
      reporters: ['markdown'],
    });
    expect(report.summary).toMatchObject({ total: 2, passed: 1, failed: 1 });
    expect(report.outputs.markdown).toContain('`boom`');
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(await store.listEvalReports()).toHaveLength(1);
    expect((await afk.runs()).every((r) => r.parentRunId === undefined)).toBe(true);

    remove();
    expect(page[AFK_PAGE_GLOBAL]).toBeUndefined();
  });

  it("decide resumes through the app's own resume when given one", async () => {
    const store = new InMemoryStore();
    const runner = new Runner({ store, config: { interactionMode: 'external' } });
    const resumes: Array<{ runId: string; threadId: string; agentName: string }> = [];
    const { handle } = exposeAfk({
      runner,
      target: {},
      resume: (run) => {
        resumes.push(run);
        return runner.resume(travel, run);
      },
    });
    const paused = await runner.run(travel, { userMessage: 'fly me to Paris' });
    const decided = await handle.decide('next', { kind: 'approve' });
    expect(decided).toEqual({ approvalId: expect.any(String), runId: paused.runId, resumed: true });
    const done = await handle.waitForRun({ runId: paused.runId, state: 'completed' });
    expect(done.result?.finalText).toBe('done');
    expect(resumes).toEqual([{ runId: paused.runId, threadId: paused.threadId, agentName: 'travel' }]);
  });

  it('refuses bad arguments with typed errors and times out waiting', async () => {
    const page: Record<string, unknown> = {};
    const { handle } = exposeAfk({ runner: new Runner(), agents: { travel }, target: page });
    const bad = await handle.waitForRun({ state: 'bogus' } as never).catch((e: unknown) => e);
    expect(isAfkError(bad) && bad.code).toBe('invalid_argument');
    const none = await handle.decide('next', { kind: 'approve' }).catch((e: unknown) => e);
    expect(isAfkError(none) && none.code).toBe('approval_not_found');
    const unknown = await handle.evaluate({ agent: 'nobody', cases: [] }).catch((e: unknown) => e);
    expect(isAfkError(unknown) && unknown.message).toContain("no agent 'nobody' (exposed: travel)");
    const late = await handle.waitForRun({ timeoutMs: 20 }).catch((e: unknown) => e);
    expect(isAfkError(late) && late.code).toBe('timeout');
  });
});
