import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import type { AgentResult } from '../events/records.js';
import { scripted } from '../llms/providers/scripted.js';
import type { LLMRequest } from '../llms/types.js';
import type { MemoryStore } from '../memory/types.js';
import type { InteractionProvider } from './interaction.js';
import { Runner } from './runner.js';
import { countingTools, outputOf } from './test-support/counting-tools.js';
import { CrashStore } from './test-support/crash-store.js';
import { normaliseTranscript, prng, toolContent, toolResults } from './test-support/fixtures.js';

describe('B24: a crash after a side-effecting tool started', () => {
  function chargeAgent(counts: Map<string, number>) {
    const t = countingTools(counts);
    const model = scripted((req: LLMRequest) =>
      toolResults(req) === 0
        ? { toolCalls: [{ id: 'ch', name: 'charge', args: { amount: 5 } }] }
        : { text: 'charged' },
    );
    return { agent: new Agent({ name: 'pay', model, tools: [t.charge, t.lookup] }), model };
  }

  /** Runs until the batch carrying the charge's result, which never becomes durable. */
  async function crashAfterCharge(counts: Map<string, number>, opts: { keepLeases?: boolean } = {}) {
    const crash = new CrashStore({
      onEventType: 'tool_completed',
      ...(opts.keepLeases ? { keepLeases: true } : {}),
    });
    const { agent } = chargeAgent(counts);
    const r = await new Runner({ store: crash, config: { leaseTtlMs: 100 } }).run(agent, {
      userMessage: 'charge 5',
    });
    expect(r.state).toBe('failed');
    expect(counts.get('charge:{"amount":5}')).toBe(1);
    const durable = (await crash.inner.readEvents(r.runId)).map((e) => e.type);
    expect(durable).toContain('tool_started');
    expect(durable).not.toContain('tool_completed');
    return { inner: crash.inner, r };
  }

  it('resume never runs it twice: it asks "did it happen?"; responding records its result', async () => {
    const counts = new Map<string, number>();
    // The crashed process still "holds" its lease: the fresh runner takes over once it expires.
    const { inner, r } = await crashAfterCharge(counts, { keepLeases: true });
    const { agent, model } = chargeAgent(counts);
    const runner = new Runner({ store: inner, config: { leaseTtlMs: 100, interactionMode: 'external' } });
    const paused = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(paused.state).toBe('interrupted');
    expect(counts.get('charge:{"amount":5}')).toBe(1);
    expect(model.calls).toBe(0);
    const approvals = paused.pending?.approvals ?? [];
    expect(approvals).toHaveLength(1);
    expect(approvals[0]).toMatchObject({
      toolName: 'charge',
      toolCallId: 'ch',
      args: { amount: 5 },
      status: 'pending',
    });
    expect(approvals[0]!.allowedDecisions).toEqual(expect.arrayContaining(['respond', 'approve', 'reject']));
    expect(await runner.listApprovals({ runId: r.runId, status: 'pending' })).toHaveLength(1);

    await runner.decideApproval({
      approvalId: approvals[0]!.id,
      decision: { kind: 'respond', value: 'charged:5 (confirmed by ops)' },
    });
    const done = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(done.finalText).toBe('charged');
    expect(counts.get('charge:{"amount":5}')).toBe(1);
    expect(toolContent(model.requests.at(-1), 'ch')).toBe('charged:5 (confirmed by ops)');
    expect(done.toolExecutions).toEqual([
      expect.objectContaining({
        toolName: 'charge',
        success: true,
        replayed: true,
        output: 'charged:5 (confirmed by ops)',
      }),
    ]);
  });

  it('reject skips it (the model is told); approve re-runs it, by explicit human choice', async () => {
    for (const decision of ['reject', 'approve'] as const) {
      const counts = new Map<string, number>();
      const { inner, r } = await crashAfterCharge(counts);
      const { agent, model } = chargeAgent(counts);
      const runner = new Runner({ store: inner, config: { interactionMode: 'external' } });
      const paused = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
      await runner.decideApproval({
        approvalId: paused.pending!.approvals[0]!.id,
        decision: { kind: decision },
      });
      const done = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
      expect(done.state).toBe('completed');
      if (decision === 'reject') {
        expect(counts.get('charge:{"amount":5}')).toBe(1);
        expect(toolContent(model.requests.at(-1), 'ch')).toContain('crash');
      } else {
        expect(counts.get('charge:{"amount":5}')).toBe(2);
        expect(toolContent(model.requests.at(-1), 'ch')).toBe('charged:5');
      }
    }
  });

  it("unknownSideEffectPolicy 'fail': no question, the model gets an error, the tool is not re-run", async () => {
    const counts = new Map<string, number>();
    const { inner, r } = await crashAfterCharge(counts);
    const { agent, model } = chargeAgent(counts);
    const runner = new Runner({ store: inner, config: { unknownSideEffectPolicy: 'fail' } });
    const done = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(counts.get('charge:{"amount":5}')).toBe(1);
    expect(await runner.listApprovals({ runId: r.runId })).toEqual([]);
    const content = toolContent(model.requests.at(-1), 'ch') ?? '';
    expect(content).toContain('interrupted by a crash');
    expect(
      model.requests.at(-1)!.messages.find((m) => m.role === 'tool' && m.toolCallId === 'ch'),
    ).toMatchObject({ isError: true });
  });

  it('a pure tool that started before the crash is simply re-run', async () => {
    const counts = new Map<string, number>();
    const t = countingTools(counts);
    const model = () =>
      scripted((req: LLMRequest) =>
        toolResults(req) === 0
          ? { toolCalls: [{ id: 'lk', name: 'lookup', args: { key: 'k' } }] }
          : { text: 'found' },
      );
    const crash = new CrashStore({ onEventType: 'tool_completed' });
    const r = await new Runner({ store: crash }).run(
      new Agent({ name: 'p', model: model(), tools: [t.lookup] }),
      { userMessage: 'x' },
    );
    expect(r.state).toBe('failed');
    expect(counts.get('lookup:{"key":"k"}')).toBe(1);
    const m2 = model();
    const done = await new Runner({ store: crash.inner }).resume(
      new Agent({ name: 'p', model: m2, tools: [t.lookup] }),
      { runId: r.runId, threadId: r.threadId },
    );
    expect(done.state).toBe('completed');
    expect(counts.get('lookup:{"key":"k"}')).toBe(2);
    expect(toolContent(m2.requests.at(-1), 'lk')).toBe('value-of-k');
    expect(done.stateSnapshot.toolCalls).toBe(1);
  });

  it('a side effect approved by a human before it started is still not re-run after the crash', async () => {
    const counts = new Map<string, number>();
    const t = countingTools(counts);
    const guarded = t.sideEffect(
      'charge',
      z.object({ amount: z.number() }),
      (a) => `charged:${String(a.amount)}`,
      { needsApproval: true },
    );
    const mk = () =>
      new Agent({
        name: 'pay',
        model: scripted((req: LLMRequest) =>
          toolResults(req) === 0
            ? { toolCalls: [{ id: 'ch', name: 'charge', args: { amount: 5 } }] }
            : { text: 'charged' },
        ),
        tools: [guarded],
      });
    const interaction: InteractionProvider = { decide: async () => ({ kind: 'approve' }) };
    const crash = new CrashStore({ onEventType: 'tool_completed' });
    const r = await new Runner({ store: crash, interaction, config: { interactionMode: 'interactive' } }).run(
      mk(),
      { userMessage: 'x' },
    );
    expect(r.state).toBe('failed');
    expect(counts.get('charge:{"amount":5}')).toBe(1);
    // The earlier "yes, run it" is not an answer to "did it happen?": the provider is asked again,
    // with the crash question (it allows 'respond'), and says it happened.
    const asked: string[] = [];
    const recovery: InteractionProvider = {
      decide: async (req) => {
        asked.push(req.allowedDecisions.join(','));
        return req.allowedDecisions.includes('respond')
          ? { kind: 'respond', value: 'charged:5' }
          : { kind: 'approve' };
      },
    };
    const runner = new Runner({
      store: crash.inner,
      interaction: recovery,
      config: { interactionMode: 'interactive' },
    });
    const done = await runner.resume(mk(), { runId: r.runId, threadId: r.threadId });
    expect(asked).toEqual(['approve,reject,respond']);
    expect(done.state).toBe('completed');
    expect(done.toolExecutions.find((x) => x.toolCallId === 'ch')).toMatchObject({
      output: 'charged:5',
      replayed: true,
    });
    expect(counts.get('charge:{"amount":5}')).toBe(1);
  });
});

describe('random kills', () => {
  function workflow(counts: Map<string, number>) {
    const t = countingTools(counts);
    const model = scripted((req: LLMRequest) => {
      const n = toolResults(req);
      if (n === 0) {
        return {
          toolCalls: [
            { id: 'e1', name: 'send_email', args: { to: 'ann' } },
            { id: 'p1', name: 'add', args: { a: 1, b: 2 } },
          ],
        };
      }
      if (n === 2) {
        return {
          toolCalls: [
            { id: 'c1', name: 'charge', args: { amount: 5 } },
            { id: 'w1', name: 'write_file', args: { path: '/tmp/x' } },
            { id: 'l1', name: 'lookup', args: { key: 'k' } },
          ],
        };
      }
      if (n === 5) return { toolCalls: [{ id: 'p2', name: 'add', args: { a: 3, b: 4 } }] };
      return { text: 'all done' };
    });
    return {
      agent: new Agent({ name: 'flow', model, tools: [t.send, t.charge, t.write, t.add, t.lookup] }),
      model,
    };
  }
  const SIDE_EFFECTS = ['send_email:{"to":"ann"}', 'charge:{"amount":5}', 'write_file:{"path":"/tmp/x"}'];

  /**
   * Drives a run to completion through any number of pauses, answering "did it happen?" with the
   * real output. Each round may crash again (while `crashes` lasts), during any resume: right
   * after a decision, in the middle of re-running tools, at the final write.
   */
  async function driveToCompletion(
    inner: MemoryStore,
    agent: Agent,
    runId: string,
    threadId: string,
    rand: () => number,
    crashes: number,
  ): Promise<{ result: AgentResult; crashes: number }> {
    const decider = new Runner({ store: inner, config: { interactionMode: 'external' } });
    let r: AgentResult | undefined;
    let crashed = 0;
    for (let round = 0; round < 12; round++) {
      if (r?.state === 'completed') return { result: r, crashes: crashed };
      if (r?.state === 'interrupted') {
        for (const a of r.pending?.approvals ?? []) {
          expect(a.allowedDecisions).toContain('respond');
          await decider.decideApproval({
            approvalId: a.id,
            decision: { kind: 'respond', value: outputOf(a) },
          });
        }
      }
      const store =
        crashed < crashes && rand() < 0.6
          ? new CrashStore({ afterEvents: Math.floor(rand() * 14) }, inner)
          : new CrashStore(undefined, inner);
      const runner = new Runner({ store, config: { interactionMode: 'external' } });
      const exists = (await inner.readEvents(runId, { limit: 1 })).length > 0;
      r = exists
        ? await runner.resume(agent, { runId, threadId })
        : await runner.run(agent, { userMessage: 'go', runId, threadId });
      if (store.killed) {
        expect(r.state).toBe('failed');
        crashed++;
      } else {
        expect(r.state).not.toBe('failed');
      }
    }
    throw new Error(`run ${runId} did not complete: ${r?.state} ${r?.error?.message ?? ''}`);
  }

  it('kill at a random event (50 seeded iterations, more crashes during recovery): every resume completes, each side effect happened exactly once', async () => {
    const baseCounts = new Map<string, number>();
    const base = workflow(baseCounts);
    const baseStore = new CrashStore();
    const baseline = await new Runner({ store: baseStore }).run(base.agent, {
      userMessage: 'go',
      runId: 'run_base',
      threadId: 'thread_base',
    });
    expect(baseline.state).toBe('completed');
    const total = baseStore.committedEvents;
    expect(total).toBeGreaterThan(20);
    const baseTranscript = normaliseTranscript(base.model.requests.at(-1)!.messages);

    // AFK_CRASH_SEED picks other kill points (a soak loop); the default is the checked-in run.
    const rand = prng(Number(process.env.AFK_CRASH_SEED ?? 0xafc0ffee));
    const killPoints = new Set<number>();
    let recoveryCrashes = 0;
    for (let i = 0; i < 50; i++) {
      const k = Math.floor(rand() * total);
      killPoints.add(k);
      const counts = new Map<string, number>();
      const { agent, model } = workflow(counts);
      const runId = `run_${i}`;
      const threadId = `thread_${i}`;
      const crash = new CrashStore({ afterEvents: k });
      const crashed = await new Runner({ store: crash }).run(agent, { userMessage: 'go', runId, threadId });
      const context = `iteration ${i}, kill after ${k} events`;
      expect(crashed.state, context).toBe('failed');
      const { result: done, crashes } = await driveToCompletion(
        crash.inner,
        agent,
        runId,
        threadId,
        rand,
        i % 3,
      );
      recoveryCrashes += crashes;
      expect(done.state, context).toBe('completed');
      expect(done.finalText, context).toBe('all done');
      for (const key of SIDE_EFFECTS) expect(counts.get(key), `${context}: ${key}`).toBe(1);
      expect(normaliseTranscript(model.requests.at(-1)!.messages), context).toEqual(baseTranscript);
      expect(done.stateSnapshot.toolCalls, context).toBe(baseline.stateSnapshot.toolCalls);
      expect(done.stateSnapshot.step, context).toBe(baseline.stateSnapshot.step);
      const events = await crash.inner.readEvents(runId);
      expect(
        events.map((e) => e.seq),
        context,
      ).toEqual(events.map((_, j) => j));
    }
    // The seeded points spread over the whole run, and recovery itself crashed often.
    expect(killPoints.size).toBeGreaterThan(15);
    expect(recoveryCrashes).toBeGreaterThan(10);
    // ~6 s alone; a loaded shared machine can take several times that.
  }, 60_000);
});
