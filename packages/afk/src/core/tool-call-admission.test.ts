import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { PolicyEngine } from '../agents/policy.js';
import { scripted } from '../llms/providers/scripted.js';
import type { LLMRequest } from '../llms/types.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { nodeStores } from '../memory/test-support/node-stores.js';
import { tool } from '../tools/tool.js';
import { Runner } from './runner.js';
import { CrashStore } from './test-support/crash-store.js';
import { toolContent, toolResults } from './test-support/fixtures.js';

const USAGE = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };

function echoTool(ran: unknown[]) {
  return tool({
    name: 'echo',
    description: 'echo',
    args: z.object({ text: z.string() }).loose(),
    run: async (a) => {
      ran.push(a);
      return `echo:${a.text}`;
    },
  });
}

describe('two tool calls with the same id in one response', () => {
  it('each runs once under its own id (the duplicate renamed `<id>_2`), never the crash path', async () => {
    const ran: unknown[] = [];
    const model = scripted((req: LLMRequest) =>
      toolResults(req) === 0
        ? {
            toolCalls: [
              { id: 'c1', name: 'echo', args: { text: 'one' } },
              { id: 'c1', name: 'echo', args: { text: 'two' } },
            ],
          }
        : { text: 'done' },
    );
    const store = new InMemoryStore();
    const runner = new Runner({ store });
    const r = await runner.run(new Agent({ name: 'a', model, tools: [echoTool(ran)] }), {
      userMessage: 'go',
    });
    expect(r.state).toBe('completed');
    expect(ran).toEqual([{ text: 'one' }, { text: 'two' }]);
    const req = model.requests[1]!;
    const assistant = req.messages.find((m) => m.role === 'assistant');
    expect(assistant?.role === 'assistant' && assistant.toolCalls?.map((c) => c.id)).toEqual(['c1', 'c1_2']);
    // Exactly one result per call id the transcript holds.
    expect(
      req.messages.filter((m) => m.role === 'tool').map((m) => m.role === 'tool' && m.toolCallId),
    ).toEqual(expect.arrayContaining(['c1', 'c1_2']));
    expect(req.messages.filter((m) => m.role === 'tool')).toHaveLength(2);
    expect(toolContent(req, 'c1')).toBe('echo:one');
    expect(toolContent(req, 'c1_2')).toBe('echo:two');
    const types = (await runner.events(r.runId)).map((e) => e.type);
    expect(types).not.toContain('approval_requested');
  });
});

/** `{ a: { a: ... { text } } }`, `depth` levels, built without recursion. */
function nested(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = { text: 'deep' };
  for (let i = 1; i < depth; i++) v = { a: v, text: 'x' };
  return v;
}

const stores = nodeStores('afk-args');

describe.each(stores)('tool args nested thousands of levels deep (%s)', (_name, makeStore) => {
  it.each([2_000, 10_000])(
    'depth %i: the call is answered "too deeply nested", the run completes, events() and resume() work',
    async (depth) => {
      const ran: unknown[] = [];
      const model = scripted((req: LLMRequest) =>
        toolResults(req) === 0
          ? { toolCalls: [{ id: 'deep', name: 'echo', args: nested(depth) }], usage: USAGE }
          : { text: 'done', usage: USAGE },
      );
      const store = makeStore();
      const runner = new Runner({ store });
      const agent = new Agent({ name: 'a', model, tools: [echoTool(ran)] });
      const r = await runner.run(agent, { userMessage: 'go' });
      expect(r.state).toBe('completed');
      expect(ran).toEqual([]);
      const content = toolContent(model.requests[1], 'deep');
      expect(content).toMatch(/too deeply nested \(more than 64 levels\)/);
      const events = await runner.events(r.runId);
      const completed = events.find((e) => e.type === 'tool_completed');
      expect(completed?.type === 'tool_completed' && completed.data.errorCode).toBe('tool_args_rejected');
      const llm = events.find((e) => e.type === 'llm_completed');
      expect(llm?.type === 'llm_completed' && llm.data.response.toolCalls[0]?.args).toEqual({
        $afkOmitted: 'the arguments were too deeply nested (more than 64 levels)',
      });
      expect((await store.getRun(r.runId))?.status).toBe('completed');
      const again = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
      expect(again.state).toBe('completed');
    },
  );
});

describe('tool args beyond maxToolArgsBytes', () => {
  it('are refused with a clear tool error, the limit configurable', async () => {
    const ran: unknown[] = [];
    const model = scripted((req: LLMRequest) =>
      toolResults(req) === 0
        ? { toolCalls: [{ id: 'big', name: 'echo', args: { text: 'x'.repeat(5000) } }] }
        : { text: 'done' },
    );
    const r = await new Runner({ config: { maxToolArgsBytes: 1000 } }).run(
      new Agent({ name: 'a', model, tools: [echoTool(ran)] }),
      { userMessage: 'go' },
    );
    expect(r.state).toBe('completed');
    expect(ran).toEqual([]);
    expect(toolContent(model.requests[1], 'big')).toMatch(/too large \(more than 1000 bytes/);
  });
});

describe('tool args under redacted keys', () => {
  const SECRET = 'hunter2-s3cret';
  function loginTool(seen: unknown[]) {
    return tool({
      name: 'login',
      description: 'log in',
      args: z.object({ user: z.string(), password: z.string(), 'X-Api-Key': z.string().optional() }),
      effects: 'side_effect',
      run: async (a) => {
        seen.push(a);
        return `logged in ${a.user}`;
      },
    });
  }
  const loginCall = {
    id: 'lg',
    name: 'login',
    args: { user: 'ann', password: SECRET, 'X-Api-Key': `${SECRET}-key` },
  };
  function loginModel() {
    return scripted((req: LLMRequest) =>
      toolResults(req) === 0 ? { toolCalls: [loginCall] } : { text: 'ok' },
    );
  }

  it('run with the real values; nothing stored, streamed or in the next run holds them', async () => {
    const seen: unknown[] = [];
    const store = new InMemoryStore();
    const runner = new Runner({ store });
    const model = loginModel();
    const agent = new Agent({ name: 'a', model, tools: [loginTool(seen)] });
    const handle = runner.runStream(agent, { userMessage: 'log in', threadId: 'th-secret' });
    const streamed: unknown[] = [];
    for await (const ev of handle) streamed.push(ev);
    const r = await handle.result;
    expect(r.state).toBe('completed');
    expect(seen).toEqual([loginCall.args]);
    expect(JSON.stringify(streamed)).not.toContain(SECRET);
    expect(streamed.some((e) => (e as { type: string }).type === 'tool_input_delta')).toBe(false);
    const events = await runner.events(r.runId);
    expect(JSON.stringify(events)).not.toContain(SECRET);
    const llm = events.find((e) => e.type === 'llm_completed');
    expect(llm?.type === 'llm_completed' && llm.data.response.toolCalls[0]?.args).toEqual({
      user: 'ann',
      password: '[redacted]',
      'X-Api-Key': '[redacted]',
    });
    expect(JSON.stringify(await store.getSnapshot(r.runId))).not.toContain(SECRET);
    // The next run on the thread: its history (logged in run_started) holds no secret either.
    const next = await runner.run(
      new Agent({ name: 'a', model: scripted([{ text: 'again' }]), tools: [loginTool(seen)] }),
      { userMessage: 'hi', threadId: 'th-secret' },
    );
    expect(JSON.stringify(await runner.events(next.runId))).not.toContain(SECRET);
  });

  it('a paused call (external approval) runs with the real values after decide + resume in the same runner', async () => {
    const seen: unknown[] = [];
    const store = new InMemoryStore();
    const policy = new PolicyEngine([
      { id: 'ask', action: 'request_approval', when: { event: 'tool_before_execute', tool: 'login' } },
    ]);
    const runner = new Runner({ store, policy, config: { interactionMode: 'external' } });
    const agent = new Agent({ name: 'a', model: loginModel(), tools: [loginTool(seen)] });
    const r = await runner.run(agent, { userMessage: 'log in' });
    expect(r.state).toBe('interrupted');
    const approval = r.pending!.approvals[0]!;
    expect(JSON.stringify(approval)).not.toContain(SECRET);
    await runner.decideApproval({ approvalId: approval.id, decision: { kind: 'approve' } });
    const done = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(seen).toEqual([loginCall.args]);
    expect(JSON.stringify(await runner.events(r.runId))).not.toContain(SECRET);
  });

  it('resumed in another runner (the real values gone), the call is answered "call again", never run with [redacted]', async () => {
    const seen: unknown[] = [];
    const store = new InMemoryStore();
    const policy = new PolicyEngine([
      { id: 'ask', action: 'request_approval', when: { event: 'tool_before_execute', tool: 'login' } },
    ]);
    const config = { interactionMode: 'external' as const };
    const agent = new Agent({ name: 'a', model: loginModel(), tools: [loginTool(seen)] });
    const first = new Runner({ store, policy, config });
    const r = await first.run(agent, { userMessage: 'log in' });
    await first.decideApproval({ approvalId: r.pending!.approvals[0]!.id, decision: { kind: 'approve' } });
    const model = loginModel();
    const other = new Runner({ store, policy, config });
    const resumed = await other.resume(new Agent({ name: 'a', model, tools: [loginTool(seen)] }), {
      runId: r.runId,
      threadId: r.threadId,
    });
    expect(seen).toEqual([]);
    expect(toolContent(model.requests[0], 'lg')).toMatch(/held secret values .* call 'login' again/);
    expect(resumed.state).toBe('completed');
    const events = await store.readEvents(r.runId);
    expect(events.some((e) => e.type === 'tool_completed' && e.data.errorCode === 'tool_args_withheld')).toBe(
      true,
    );
    expect(JSON.stringify(events)).not.toContain(SECRET);
  });

  it('after a crash mid-call, a side effect whose values were withheld is not re-run; the model is told', async () => {
    const seen: unknown[] = [];
    const crash = new CrashStore({ onEventType: 'tool_completed' });
    const r = await new Runner({ store: crash }).run(
      new Agent({ name: 'a', model: loginModel(), tools: [loginTool(seen)] }),
      { userMessage: 'log in' },
    );
    expect(r.state).toBe('failed');
    expect(seen).toHaveLength(1);
    const model = scripted([{ text: 'understood' }]);
    const resumed = await new Runner({ store: crash.inner, config: { interactionMode: 'external' } }).resume(
      new Agent({ name: 'a', model, tools: [loginTool(seen)] }),
      { runId: r.runId, threadId: r.threadId },
    );
    expect(resumed.state).toBe('completed');
    expect(seen).toHaveLength(1);
    expect(toolContent(model.requests[0], 'lg')).toMatch(/may or may not have taken effect/);
    expect(JSON.stringify(await crash.inner.readEvents(r.runId))).not.toContain(SECRET);
  });

  it('tool_input_delta streams the text of calls without secrets', async () => {
    const model = scripted([
      { toolCalls: [{ id: 'e', name: 'echo', args: { text: 'hello' } }] },
      { text: 'ok' },
    ]);
    const handle = new Runner().runStream(new Agent({ name: 'a', model, tools: [echoTool([])] }), {
      userMessage: 'go',
    });
    const deltas: string[] = [];
    for await (const ev of handle) if (ev.type === 'tool_input_delta') deltas.push(ev.textDelta ?? '');
    expect(deltas.join('')).toBe('{"text":"hello"}');
  });
});
