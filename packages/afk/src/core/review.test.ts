import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { PolicyEngine } from '../agents/policy.js';
import { scripted } from '../llms/providers/scripted.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { tool } from '../tools/tool.js';
import { Runner } from './runner.js';
import type { AgentStreamEvent } from './stream.js';
import { add } from './test-helpers.js';
import { CrashStore } from './test-support/crash-store.js';

async function collect(it: AsyncIterable<AgentStreamEvent>): Promise<AgentStreamEvent[]> {
  const out: AgentStreamEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe('review: streams', () => {
  it('resumeStream of a completed run yields its completed event', async () => {
    const runner = new Runner();
    const agent = new Agent({ name: 'a', model: scripted([{ text: 'hi' }]) });
    const r = await runner.run(agent, { userMessage: 'x' });
    const h = runner.resumeStream(agent, { runId: r.runId, threadId: r.threadId });
    const evs = await collect(h);
    expect(evs.map((e) => e.type)).toEqual(['completed']);
    expect(evs[0]?.result?.finalText).toBe('hi');
  });

  it('resumeStream of an unknown run ends the stream instead of hanging', async () => {
    const runner = new Runner();
    const agent = new Agent({ name: 'a', model: scripted([{ text: 'hi' }]) });
    const h = runner.resumeStream(agent, { runId: 'run_missing', threadId: 't' });
    const evs = await Promise.race([
      collect(h),
      new Promise<'hung'>((r) => setTimeout(() => r('hung'), 500)),
    ]);
    expect(evs).not.toBe('hung');
    await expect(h.result).rejects.toThrow();
  });

  it("a subagent's completion is not relayed as a 'completed' event before the parent's", async () => {
    const child = new Agent({ name: 'child', model: scripted([{ text: 'child answer' }]) });
    const parent = new Agent({
      name: 'parent',
      model: scripted([
        { toolCalls: [{ name: 'child', args: { task: 'do it' } }] },
        { text: 'parent answer' },
      ]),
      subagents: [child],
    });
    const evs = await collect(new Runner().runStream(parent, { userMessage: 'x' }));
    const completed = evs.filter((e) => e.type === 'completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]?.result?.finalText).toBe('parent answer');
    expect(evs.at(-1)?.type).toBe('completed');
  });
});

describe('review: secrets and context', () => {
  it('snapshots never hold redacted context keys', async () => {
    const store = new InMemoryStore();
    const runner = new Runner({ store });
    const r = await runner.run(new Agent({ name: 'a', model: scripted([{ text: 'ok' }]) }), {
      userMessage: 'x',
      context: { apiKey: 'sk-live-123', user: 'ann' },
    });
    const snap = await store.getSnapshot(r.runId);
    expect(JSON.stringify(snap)).not.toContain('sk-live-123');
    expect(JSON.stringify(await store.getRun(r.runId))).not.toContain('sk-live-123');
  });

  it('resume passes the context given to resume() to tools', async () => {
    const seen: unknown[] = [];
    const probe = tool({
      name: 'probe',
      description: 'p',
      args: z.object({}),
      needsApproval: true,
      run: async (_a, ctx) => {
        seen.push(ctx.context.apiKey);
        return 'ok';
      },
    });
    const store = new InMemoryStore();
    const agent = new Agent({
      name: 'a',
      model: scripted([{ toolCalls: [{ name: 'probe', args: {} }] }, { text: 'done' }]),
      tools: [probe],
    });
    const r1 = new Runner({ store, config: { interactionMode: 'external' } });
    const r = await r1.run(agent, { userMessage: 'x', context: { apiKey: 'sk-1' } });
    expect(r.state).toBe('interrupted');
    const r2 = new Runner({ store, config: { interactionMode: 'external' } });
    await r2.decideApproval({ approvalId: r.pending!.approvals[0]!.id, decision: { kind: 'approve' } });
    const done = await r2.resume(agent, {
      runId: r.runId,
      threadId: r.threadId,
      context: { apiKey: 'sk-2' },
    });
    expect(done.state).toBe('completed');
    expect(seen).toEqual(['sk-2']);
  });
});

function slowTool(counter: { n: number }, ms: number, effects: 'pure' | 'side_effect' = 'pure') {
  return tool({
    name: 'slow',
    description: 's',
    args: z.object({}),
    effects,
    run: async () => {
      counter.n++;
      await new Promise((r) => setTimeout(r, ms));
      return 'ok';
    },
  });
}

describe('review: leases and concurrent resume', () => {
  it('resume on the same runner while the run executes returns its result without running it twice', async () => {
    const counter = { n: 0 };
    const agent = new Agent({
      name: 'a',
      model: scripted([{ toolCalls: [{ name: 'slow', args: {} }] }, { text: 'done' }]),
      tools: [slowTool(counter, 150)],
    });
    const runner = new Runner();
    const first = runner.run(agent, { userMessage: 'x', runId: 'run_same' });
    await new Promise((r) => setTimeout(r, 30));
    const second = await runner.resume(agent, {
      runId: 'run_same',
      threadId: (await runner.store.getRun('run_same'))!.threadId,
    });
    const r1 = await first;
    expect(r1.state).toBe('completed');
    expect(second.state).toBe('completed');
    expect(counter.n).toBe(1);
  });

  it('the lease is renewed while a long step runs, so another runner does not take the run over', async () => {
    const counter = { n: 0 };
    const store = new InMemoryStore();
    const agent = new Agent({
      name: 'a',
      model: scripted([{ toolCalls: [{ name: 'slow', args: {} }] }, { text: 'done' }]),
      tools: [slowTool(counter, 400)],
    });
    const a = new Runner({ store, config: { leaseTtlMs: 100 } });
    const b = new Runner({ store, config: { leaseTtlMs: 100 } });
    const first = a.run(agent, { userMessage: 'x', runId: 'run_lease' });
    await new Promise((r) => setTimeout(r, 30));
    const threadId = (await store.getRun('run_lease'))!.threadId;
    const second = await b.resume(agent, { runId: 'run_lease', threadId });
    const r1 = await first;
    expect(r1.state).toBe('completed');
    expect(second.state).toBe('completed');
    expect(counter.n).toBe(1);
  });

  it('cancel() right after resumeStream() cancels the resumed run', async () => {
    const store = new InMemoryStore();
    const probe = tool({
      name: 'probe',
      description: 'p',
      args: z.object({}),
      needsApproval: true,
      run: async () => 'ok',
    });
    const agent = new Agent({
      name: 'a',
      model: scripted([{ toolCalls: [{ name: 'probe', args: {} }] }, { text: 'done', delayMs: 5_000 }]),
      tools: [probe],
    });
    const runner = new Runner({ store, config: { interactionMode: 'external' } });
    const r = await runner.run(agent, { userMessage: 'x' });
    await runner.decideApproval({ approvalId: r.pending!.approvals[0]!.id, decision: { kind: 'approve' } });
    const h = runner.resumeStream(agent, { runId: r.runId, threadId: r.threadId });
    h.cancel();
    const t0 = Date.now();
    const done = await h.result;
    expect(done.state).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(2_000);
  });
});

describe('review: policy composition', () => {
  it("an agent rule that allows with updatedArgs does not bypass the runner's deny", async () => {
    let ran = false;
    const guarded = {
      ...add,
      run: async () => {
        ran = true;
        return 0;
      },
    };
    const agentPolicy = new PolicyEngine([
      { id: 'rewrite', action: 'allow', when: { tool: 'add' }, updatedArgs: { b: 5 } },
    ]);
    const runnerPolicy = new PolicyEngine([{ id: 'no-add', action: 'deny', when: { tool: 'add' } }]);
    const model = scripted([{ toolCalls: [{ name: 'add', args: { a: 1, b: 2 } }] }, { text: 'ok' }]);
    const r = await new Runner({ policy: runnerPolicy }).run(
      new Agent({ name: 'a', model, tools: [guarded], policy: agentPolicy }),
      { userMessage: 'x' },
    );
    expect(r.state).toBe('completed');
    expect(ran).toBe(false);
  });
});

describe('review: storage failure on a stream', () => {
  it('a run that loses its store still ends its stream with completed (state failed)', async () => {
    const store = new CrashStore({ onEventType: 'tool_started' });
    const model = scripted([{ toolCalls: [{ name: 'add', args: { a: 1, b: 2 } }] }, { text: 'done' }]);
    const h = new Runner({ store }).runStream(new Agent({ name: 'a', model, tools: [add] }), {
      userMessage: 'x',
    });
    const evs = await collect(h);
    expect(evs.at(-1)?.type).toBe('completed');
    expect(evs.at(-1)?.state).toBe('failed');
    expect((await h.result).state).toBe('failed');
  });
});

describe('review: secrets in tool_started', () => {
  it('tool_started args are redacted in the log; the tool still gets the real value', async () => {
    const got: string[] = [];
    const login = tool({
      name: 'login',
      description: 'l',
      args: z.object({ user: z.string(), password: z.string() }),
      run: async (a) => {
        got.push(a.password);
        return 'ok';
      },
    });
    const runner = new Runner();
    const model = scripted([
      { toolCalls: [{ name: 'login', args: { user: 'ann', password: 'pw' } }] },
      { text: 'in' },
    ]);
    const policy = new PolicyEngine([
      { id: 'inject', action: 'allow', when: { tool: 'login' }, updatedArgs: { password: 'hunter2-secret' } },
    ]);
    const r = await runner.run(new Agent({ name: 'a', model, tools: [login], policy }), { userMessage: 'x' });
    expect(got).toEqual(['hunter2-secret']);
    const started = (await runner.events(r.runId)).filter((e) => e.type === 'tool_started');
    expect(JSON.stringify(started)).not.toContain('hunter2-secret');
  });
});
