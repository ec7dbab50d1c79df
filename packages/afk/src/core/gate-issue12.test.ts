import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { PolicyEngine } from '../agents/policy.js';
import { scripted } from '../llms/providers/scripted.js';
import type { LLMRequest } from '../llms/types.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { tool } from '../tools/tool.js';
import type { InteractionProvider } from './interaction.js';
import { Runner } from './runner.js';
import { toolContent, toolResults, transcriptText } from './test-support/fixtures.js';

describe('a deferred tool is listed in toolExecutions', () => {
  function deferred(work: Promise<unknown>) {
    return tool({
      name: 'report',
      description: 'r',
      args: z.object({}),
      run: (_a, ctx) => ctx.defer({ summary: 'building', work }),
    });
  }

  it('pending while its ticket is open, then with its output, success and latency once it settles', async () => {
    let finish: (v: unknown) => void = () => {};
    const work = new Promise((res) => (finish = res));
    const model = scripted((req: LLMRequest) => {
      if (toolResults(req) === 0) return { toolCalls: [{ id: 'rep', name: 'report', args: {} }] };
      if (transcriptText(req).includes('Background result')) return { text: 'final' };
      return { text: 'waiting' };
    });
    const store = new InMemoryStore();
    const runner = new Runner({ store, config: { backgroundPolicy: 'interrupt' } });
    const agent = new Agent({ name: 'bg', model, tools: [deferred(work)] });
    const paused = await runner.run(agent, { userMessage: 'go' });
    expect(paused.state).toBe('interrupted');
    expect(paused.toolExecutions).toEqual([
      expect.objectContaining({
        toolName: 'report',
        toolCallId: 'rep',
        pending: true,
        success: false,
        agentPath: 'bg',
      }),
    ]);
    finish({ pages: 3 });
    await work;
    // The settlement is persisted asynchronously: wait for the store's ticket change.
    const ticketId = paused.pending!.tickets[0]!.ticketId;
    await new Promise<void>((resolve) => {
      const check = () =>
        void store.getTicket(ticketId).then((t) => {
          if (t?.status !== 'pending') {
            unwatch();
            resolve();
          }
        });
      const unwatch = store.watch(paused.runId, (c) => c.kind === 'ticket' && check());
      check();
    });
    const done = await runner.resume(agent, { runId: paused.runId, threadId: paused.threadId });
    expect(done.state).toBe('completed');
    expect(done.toolExecutions).toHaveLength(1);
    const rec = done.toolExecutions[0]!;
    expect(rec).toMatchObject({ toolCallId: 'rep', success: true, output: { pages: 3 }, agentPath: 'bg' });
    expect(rec.pending).toBeUndefined();
    expect(rec.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('a failed background call ends as success false with its error', async () => {
    const model = scripted((req: LLMRequest) => {
      if (toolResults(req) === 0) return { toolCalls: [{ id: 'rep', name: 'report', args: {} }] };
      if (transcriptText(req).includes('Background call report')) return { text: 'it failed' };
      return { text: 'waiting' };
    });
    const r = await new Runner({ config: { backgroundMaxWaitMs: 5000 } }).run(
      new Agent({ name: 'bg', model, tools: [deferred(Promise.reject(new Error('disk full')))] }),
      { userMessage: 'go' },
    );
    expect(r.state).toBe('completed');
    expect(r.toolExecutions).toEqual([
      expect.objectContaining({ toolCallId: 'rep', success: false, error: 'disk full' }),
    ]);
    expect(r.toolExecutions[0]!.pending).toBeUndefined();
  });
});

describe('request_user_input supplies a required argument the model left out', () => {
  const echo = (ran: unknown[]) =>
    tool({
      name: 'echo',
      description: 'echo',
      args: z.object({ text: z.string() }),
      run: async (a) => {
        ran.push(a);
        return `echo:${a.text}`;
      },
    });
  const policy = new PolicyEngine([
    { id: 'ask-text', action: 'request_user_input', when: { tool: 'echo' }, updatedArgs: { text: null } },
  ]);
  const model = () =>
    scripted((req: LLMRequest) =>
      toolResults(req) === 0 ? { toolCalls: [{ id: 'e1', name: 'echo', args: {} }] } : { text: 'done' },
    );

  it('interactive: the human value fills `text` and the tool runs', async () => {
    const ran: unknown[] = [];
    const interaction: InteractionProvider = {
      decide: async () => ({ kind: 'respond', value: 'from human' }),
    };
    const m = model();
    const r = await new Runner({ policy, interaction, config: { interactionMode: 'interactive' } }).run(
      new Agent({ name: 'a', model: m, tools: [echo(ran)] }),
      { userMessage: 'go' },
    );
    expect(r.state).toBe('completed');
    expect(ran).toEqual([{ text: 'from human' }]);
    expect(toolContent(m.requests[1], 'e1')).toBe('echo:from human');
  });

  it('external: decide with respond + resume runs it; a value of the wrong type is still refused', async () => {
    const ran: unknown[] = [];
    const runner = new Runner({
      policy,
      store: new InMemoryStore(),
      config: { interactionMode: 'external' },
    });
    const agent = new Agent({ name: 'a', model: model(), tools: [echo(ran)] });
    const r = await runner.run(agent, { userMessage: 'go' });
    expect(r.state).toBe('interrupted');
    await runner.decideApproval({
      approvalId: r.pending!.approvals[0]!.id,
      decision: { kind: 'respond', value: 'hi' },
    });
    const done = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(ran).toEqual([{ text: 'hi' }]);

    const wrong = new Runner({
      policy,
      config: { interactionMode: 'interactive' },
      interaction: {
        decide: async () => ({ kind: 'respond', value: 42 }),
      },
    });
    const m = model();
    const r2 = await wrong.run(new Agent({ name: 'a', model: m, tools: [echo(ran)] }), { userMessage: 'go' });
    expect(r2.state).toBe('completed');
    expect(ran).toHaveLength(1);
    expect(toolContent(m.requests[1], 'e1')).toMatch(/Invalid arguments for 'echo'/);
  });

  it('without such a rule an invalid call is answered "Invalid arguments" as before', async () => {
    const ran: unknown[] = [];
    const m = model();
    const r = await new Runner().run(new Agent({ name: 'a', model: m, tools: [echo(ran)] }), {
      userMessage: 'go',
    });
    expect(r.state).toBe('completed');
    expect(ran).toEqual([]);
    expect(toolContent(m.requests[1], 'e1')).toMatch(/Invalid arguments for 'echo'/);
  });
});

describe('approvalDenialPolicy covers policy denials', () => {
  const deny = new PolicyEngine([
    {
      id: 'no-echo',
      action: 'deny',
      when: { event: 'tool_before_execute', tool: 'echo' },
      reason: 'not today',
    },
  ]);
  const echo = tool({ name: 'echo', description: 'e', args: z.object({}), run: async () => 'x' });
  const model = () =>
    scripted((req: LLMRequest) =>
      toolResults(req) === 0 ? { toolCalls: [{ id: 'e1', name: 'echo', args: {} }] } : { text: 'done' },
    );

  it.each([
    ['fail', 'failed'],
    ['degrade', 'degraded'],
    ['continue', 'completed'],
  ] as const)("'%s': a deny rule ends the run %s", async (policy, state) => {
    const m = model();
    const r = await new Runner({ policy: deny }).run(
      new Agent({ name: 'a', model: m, tools: [echo], failSafe: { approvalDenialPolicy: policy } }),
      { userMessage: 'go' },
    );
    expect(r.state).toBe(state);
    if (policy !== 'continue') {
      expect(r.error).toMatchObject({ code: 'policy_denied' });
      expect(r.error?.message).toMatch(/'echo' was denied by policy/);
      expect(m.calls).toBe(1);
    } else expect(toolContent(m.requests[1], 'e1')).toMatch(/denied by policy \(rule 'no-echo'\): not today/);
  });
});
