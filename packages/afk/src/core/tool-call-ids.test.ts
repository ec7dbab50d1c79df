import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { PolicyEngine } from '../agents/policy.js';
import { scripted } from '../llms/providers/scripted.js';
import type { LLMRequest } from '../llms/types.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { tool } from '../tools/tool.js';
import { fromSnapshot, toSnapshot } from './fold.js';
import { loadRunState } from './load.js';
import { Runner } from './runner.js';
import { CrashStore } from './test-support/crash-store.js';
import { toolContent, toolResults } from './test-support/fixtures.js';

/** Ids that name members of Object.prototype: a plain `{}` index answers them without an entry. */
const PROTO_IDS = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

function echoTool(ran: string[]) {
  return tool({
    name: 'echo',
    description: 'echo',
    args: z.object({ text: z.string() }),
    effects: 'side_effect',
    run: async (a, ctx) => {
      ran.push(ctx.toolCallId);
      return `echo:${a.text}`;
    },
  });
}

function protoModel() {
  return scripted((req: LLMRequest) =>
    toolResults(req) === 0
      ? { toolCalls: PROTO_IDS.map((id) => ({ id, name: 'echo', args: { text: id } })) }
      : { text: 'done' },
  );
}

describe('tool-call ids that name Object.prototype members', () => {
  it('run, are answered once each, and survive the snapshot round trip (journal, pending calls)', async () => {
    const ran: string[] = [];
    const model = protoModel();
    const store = new InMemoryStore();
    const r = await new Runner({ store }).run(new Agent({ name: 'a', model, tools: [echoTool(ran)] }), {
      userMessage: 'go',
    });
    expect(r.state).toBe('completed');
    expect(ran.sort()).toEqual([...PROTO_IDS].sort());
    for (const id of PROTO_IDS) expect(toolContent(model.requests[1], id)).toBe(`echo:${id}`);
    expect(r.toolExecutions.map((t) => t.toolCallId).sort()).toEqual([...PROTO_IDS].sort());
    const state = await loadRunState(store, r.runId);
    expect(Object.keys(state!.journal).sort()).toEqual([...PROTO_IDS].sort());
    const back = fromSnapshot(toSnapshot(state!));
    expect(Object.getPrototypeOf(back.journal)).toBeNull();
    for (const id of PROTO_IDS) expect(back.journal[id]?.status).toBe('completed');
    expect(back.pendingToolCalls).toEqual([]);
  });

  it('approvals keyed by these ids wait, are decided and run after resume', async () => {
    const ran: string[] = [];
    const model = protoModel();
    const store = new InMemoryStore();
    const policy = new PolicyEngine([
      { id: 'ask', action: 'request_approval', when: { event: 'tool_before_execute', tool: 'echo' } },
    ]);
    const runner = new Runner({ store, policy, config: { interactionMode: 'external' } });
    const agent = new Agent({ name: 'a', model, tools: [echoTool(ran)] });
    const r = await runner.run(agent, { userMessage: 'go' });
    expect(r.state).toBe('interrupted');
    const approvals = r.pending?.approvals ?? [];
    expect(approvals.map((a) => a.toolCallId).sort()).toEqual([...PROTO_IDS].sort());
    for (const a of approvals)
      await runner.decideApproval({ approvalId: a.id, decision: { kind: 'approve' } });
    const done = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(ran.sort()).toEqual([...PROTO_IDS].sort());
  });

  it('a crash after the calls started resumes them by these ids (side effects ask, not re-run)', async () => {
    const ran: string[] = [];
    const crash = new CrashStore({ onEventType: 'tool_completed' });
    const agent = new Agent({ name: 'a', model: protoModel(), tools: [echoTool(ran)] });
    const r = await new Runner({ store: crash, config: { leaseTtlMs: 100 } }).run(agent, {
      userMessage: 'go',
    });
    expect(r.state).toBe('failed');
    const before = ran.length;
    const runner = new Runner({ store: crash.inner, config: { interactionMode: 'external' } });
    const again = new Agent({ name: 'a', model: protoModel(), tools: [echoTool(ran)] });
    const paused = await runner.resume(again, { runId: r.runId, threadId: r.threadId });
    expect(paused.state).toBe('interrupted');
    // Every interrupted call is asked about by its own id; none re-ran blindly.
    expect(ran.length).toBe(before);
    const asked = (paused.pending?.approvals ?? []).map((a) => a.toolCallId).sort();
    const state = await loadRunState(crash.inner, r.runId);
    const started = Object.keys(state!.journal).filter((id) => state!.journal[id]?.status === 'started');
    expect(asked).toEqual(started.sort());
    expect(started.length).toBeGreaterThan(0);
    for (const a of paused.pending?.approvals ?? [])
      await runner.decideApproval({ approvalId: a.id, decision: { kind: 'respond', value: 'did it' } });
    const done = await runner.resume(again, { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(ran.length).toBe(before);
  });

  it('tickets and subagent runs keyed by these ids settle and complete', async () => {
    let finish: (v: unknown) => void = () => {};
    const work = new Promise((res) => (finish = res));
    const report = tool({
      name: 'report',
      description: 'r',
      args: z.object({}),
      run: (_a, ctx) => ctx.defer({ summary: 'later', work }),
    });
    const childModel = scripted([{ text: 'child ok' }]);
    const child = new Agent({ name: 'child', model: childModel, description: 'c' });
    const model = scripted((req: LLMRequest) => {
      if (toolResults(req) === 0)
        return {
          toolCalls: [
            { id: 'constructor', name: 'report', args: {} },
            { id: 'toString', name: 'child', args: { task: 'hi' } },
          ],
        };
      if (JSON.stringify(req.messages).includes('Background result')) return { text: 'all done' };
      queueMicrotask(() => finish({ pages: 3 }));
      return { text: 'waiting' };
    });
    const store = new InMemoryStore();
    const r = await new Runner({ store, config: { backgroundMaxWaitMs: 5000 } }).run(
      new Agent({ name: 'p', model, tools: [report], subagents: [child] }),
      { userMessage: 'go' },
    );
    expect(r.state).toBe('completed');
    expect(r.finalText).toBe('all done');
    expect(toolContent(model.requests[1], 'toString')).toBe('child ok');
    const state = await loadRunState(store, r.runId);
    expect(Object.keys(state!.subagentRuns)).toEqual(['toString']);
    expect(Object.values(state!.tickets).map((t) => [t.toolCallId, t.status])).toEqual([
      ['constructor', 'completed'],
    ]);
  });
});
