import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { PolicyEngine } from '../agents/policy.js';
import { Runner } from '../core/runner.js';
import { toolContent } from '../core/test-support/fixtures.js';
import { isAfkError } from '../errors/index.js';
import { scripted } from '../llms/providers/scripted.js';
import type { LLMRequest } from '../llms/types.js';
import { DexieStore } from '../memory/dexie-store.js';
import { InMemoryStore } from '../memory/in-memory.js';
import type { MemoryStore } from '../memory/types.js';
import { tool } from '../tools/tool.js';
import { Debugger } from './debugger.js';
import { flattenSpans } from './timeline.js';
import type { Span } from './types.js';

const add = tool({
  name: 'add',
  description: 'Add two numbers',
  args: z.object({ a: z.number(), b: z.number() }),
  effects: 'pure',
  run: async ({ a, b }) => a + b,
});

function slow(name: string, ms: number) {
  return tool({
    name,
    description: `${name} after ${ms} ms`,
    args: z.object({}),
    effects: 'pure',
    run: () => new Promise((r) => setTimeout(() => r(name), ms)),
  });
}

async function oneRoundTrip(store: MemoryStore, args = { a: 1, b: 2 }, usage = 10) {
  const model = scripted([
    { toolCalls: [{ id: 'call_add', name: 'add', args }], usage: { inputTokens: usage, outputTokens: 1 } },
    { text: 'final answer', usage: { inputTokens: usage, outputTokens: 2 } },
  ]);
  const agent = new Agent({ name: 'calc', model, tools: [add] });
  const runner = new Runner({ store });
  const result = await runner.run(agent, { userMessage: 'add 1 and 2' });
  return { store, runner, agent, model, result };
}

/** Every span's end ≥ start, and every child lies inside its parent. */
function expectWellFormed(s: Span): void {
  if (s.endTs !== undefined) expect(s.endTs).toBeGreaterThanOrEqual(s.startTs);
  for (const c of s.children) {
    expect(c.startTs).toBeGreaterThanOrEqual(s.startTs);
    if (s.endTs !== undefined) expect(c.endTs ?? c.startTs).toBeLessThanOrEqual(s.endTs);
    expectWellFormed(c);
  }
}

let dbSeq = 0;
const stores: Array<[string, () => MemoryStore]> = [
  ['InMemoryStore', () => new InMemoryStore()],
  ['DexieStore', () => new DexieStore({ name: `afk-debugger-test-${++dbSeq}`, indexedDB, IDBKeyRange })],
];

describe.each(stores)('Debugger on %s', (_name, makeStore) => {
  describe('B45: the timeline of a tool round trip', () => {
    it('has a run span with two steps; the first holds an llm span and a tool span with args and output', async () => {
      const { store, result } = await oneRoundTrip(makeStore());
      const tl = await new Debugger({ store }).timeline(result.runId);
      expect(tl).toMatchObject({ runId: result.runId, agentName: 'calc', state: 'completed' });
      expect(tl.root.kind).toBe('run');
      expect(tl.root.status).toBe('ok');
      const steps = tl.root.children.filter((c) => c.kind === 'step');
      expect(steps).toHaveLength(2);
      const [first, second] = steps as [Span, Span];
      expect(first.children.map((c) => c.kind)).toEqual(['llm', 'tool']);
      const toolSpan = first.children[1] as Span;
      expect(toolSpan.attributes).toMatchObject({
        'gen_ai.tool.name': 'add',
        'gen_ai.tool.call.id': 'call_add',
        'afk.tool.args': { a: 1, b: 2 },
        'afk.tool.output': 3,
      });
      const llmSpan = first.children[0] as Span;
      expect(llmSpan.attributes['gen_ai.usage.input_tokens']).toBe(10);
      expect(second.children.map((c) => c.kind)).toEqual(['llm']);
      expect(tl.usage.totalTokens).toBe(result.usage.totalTokens);
      expect(tl.eventCount).toBe((await store.readEvents(result.runId)).length);
      expectWellFormed(tl.root);
    });
  });

  describe('B46: subagents, parallel tools and approvals on the timeline', () => {
    it('nests a subagent run under its subagent span', async () => {
      const child = new Agent({
        name: 'helper',
        model: scripted([{ toolCalls: [{ name: 'add', args: { a: 2, b: 2 } }] }, { text: 'four' }]),
        tools: [add],
      });
      const parent = new Agent({
        name: 'boss',
        model: scripted([
          { toolCalls: [{ name: 'helper', args: { task: 'add 2 and 2' } }] },
          { text: 'it is four' },
        ]),
        subagents: [child],
      });
      const store = makeStore();
      const r = await new Runner({ store }).run(parent, { userMessage: 'go' });
      expect(r.state).toBe('completed');
      const tl = await new Debugger({ store }).timeline(r.runId);
      const sub = flattenSpans(tl.root).find((s) => s.kind === 'subagent') as Span;
      expect(sub.name).toBe('helper');
      expect(sub.children).toHaveLength(1);
      const childRun = sub.children[0] as Span;
      expect(childRun.kind).toBe('run');
      expect(childRun.agentPath).toBe('boss>helper');
      expect(flattenSpans(childRun).some((s) => s.kind === 'tool' && s.name === 'add')).toBe(true);
      expectWellFormed(tl.root);
    });

    it('shows parallel tool calls as overlapping siblings', async () => {
      const agent = new Agent({
        name: 'par',
        model: scripted([
          {
            toolCalls: [
              { name: 'a', args: {} },
              { name: 'b', args: {} },
            ],
          },
          { text: 'ok' },
        ]),
        tools: [slow('a', 30), slow('b', 30)],
      });
      const store = makeStore();
      const r = await new Runner({ store }).run(agent, { userMessage: 'go' });
      const tl = await new Debugger({ store }).timeline(r.runId);
      const step = tl.root.children[0] as Span;
      const [ta, tb] = step.children.filter((c) => c.kind === 'tool') as [Span, Span];
      expect(ta.startTs).toBeLessThan(tb.endTs as number);
      expect(tb.startTs).toBeLessThan(ta.endTs as number);
      expectWellFormed(tl.root);
    });

    it('makes an approval that waited a span as long as the wait', async () => {
      const store = makeStore();
      const agent = new Agent({
        name: 'mailer',
        model: scripted([{ toolCalls: [{ id: 'c1', name: 'add', args: { a: 1, b: 1 } }] }, { text: 'done' }]),
        tools: [add],
      });
      const runner = new Runner({
        store,
        config: { interactionMode: 'external' },
        policy: new PolicyEngine([{ id: 'ask', action: 'request_approval', when: { tool: 'add' } }]),
      });
      const r = await runner.run(agent, { userMessage: 'go' });
      const approval = r.pending?.approvals[0];
      expect(approval).toBeDefined();
      await new Promise((res) => setTimeout(res, 40));
      await runner.decideApproval({ approvalId: approval!.id, decision: { kind: 'approve' } });
      const done = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
      expect(done.state).toBe('completed');
      const tl = await new Debugger({ store }).timeline(r.runId);
      const a = flattenSpans(tl.root).find((s) => s.kind === 'approval') as Span;
      expect(a.status).toBe('ok');
      expect((a.endTs as number) - a.startTs).toBeGreaterThanOrEqual(35);
      expect(a.attributes['afk.approval.status']).toBe('approved');
      expect(tl.state).toBe('completed');
      expectWellFormed(tl.root);
    });
  });

  describe('B47: export and import', () => {
    it('round-trips into an empty store with an identical timeline, idempotently, with no secret inside', async () => {
      const login = tool({
        name: 'login',
        description: 'Log in',
        args: z.object({ user: z.string(), password: z.string() }),
        run: async () => ({ ok: true, apiKey: 'sk-live-SECRET123' }),
      });
      const agent = new Agent({
        name: 'auth',
        model: scripted([
          { toolCalls: [{ name: 'login', args: { user: 'ann', password: 'hunter2-SECRET' } }] },
          { text: 'logged in' },
        ]),
        tools: [login],
      });
      const src = makeStore();
      const r = await new Runner({ store: src }).run(agent, {
        userMessage: 'log in',
        context: { token: 'ctx-SECRET-token' },
      });
      const exp = await new Debugger({ store: src }).export(r.runId);
      const text = JSON.stringify(exp);
      expect(text).not.toContain('hunter2-SECRET');
      expect(text).not.toContain('sk-live-SECRET123');
      expect(text).not.toContain('ctx-SECRET-token');
      expect(exp).toMatchObject({ format: 'afk-run-export', version: 1, rootRunId: r.runId });

      const dst = makeStore();
      const dbg = new Debugger({ store: dst });
      const parsed = JSON.parse(text) as unknown;
      expect(await dbg.import(parsed)).toBe(r.runId);
      expect(await dbg.import(parsed)).toBe(r.runId);
      expect((await dst.listRuns()).filter((x) => x.runId === r.runId)).toHaveLength(1);
      expect(await dst.readEvents(r.runId)).toHaveLength(exp.runs[0]!.events.length);
      const original = await new Debugger({ store: src }).timeline(r.runId);
      const imported = await dbg.timeline(r.runId);
      // The imported copy is redacted; the original holds the values. Compare shapes and times.
      const strip = (s: Span): unknown => ({
        kind: s.kind,
        name: s.name,
        status: s.status,
        startTs: s.startTs,
        endTs: s.endTs,
        children: s.children.map(strip),
      });
      expect(strip(imported.root)).toEqual(strip(original.root));
      expect(imported.usage).toEqual(original.usage);
    });

    it('refuses a truncated or foreign file with every issue listed, writing nothing', async () => {
      const { store, result } = await oneRoundTrip(makeStore());
      const exp = await new Debugger({ store }).export(result.runId);
      const dst = makeStore();
      const dbg = new Debugger({ store: dst });
      const truncated = structuredClone(exp);
      truncated.runs[0]!.events.splice(3, 2);
      (truncated.runs[0]!.events[0] as { type: string }).type = 'bogus';
      const err = await dbg.import(truncated).catch((e: unknown) => e);
      expect(isAfkError(err) && err.code).toBe('invalid_argument');
      const issues = (err as { issues: Array<{ path: unknown[] }> }).issues;
      expect(issues.length).toBeGreaterThanOrEqual(3);
      expect(issues.some((i) => i.path.includes('seq'))).toBe(true);
      expect(issues.some((i) => i.path.includes('lastSeq'))).toBe(true);
      expect(await dst.listRuns()).toHaveLength(0);

      const foreign = await dbg.import({ hello: 'world' }).catch((e: unknown) => e);
      expect(isAfkError(foreign) && foreign.code).toBe('invalid_argument');
      expect((foreign as { issues: unknown[] }).issues.length).toBeGreaterThanOrEqual(3);
      const newer = await dbg.import({ ...exp, version: 2 }).catch((e: unknown) => e);
      expect(String((newer as Error).message)).toMatch(/newer/);
    });

    it('replaces content by sizes when includeContent is false', async () => {
      const { store, result } = await oneRoundTrip(makeStore());
      const exp = await new Debugger({ store, config: { includeContent: false } }).export(result.runId);
      const text = JSON.stringify(exp);
      expect(text).not.toContain('add 1 and 2');
      expect(text).not.toContain('final answer');
      expect(text).toContain('[omitted:');
      // Still a valid export.
      await expect(new Debugger({ store: makeStore() }).import(exp)).resolves.toBe(result.runId);
    });
  });

  describe('B48: diff of two runs', () => {
    it('marks the step with another tool call changed, the others same, with usage deltas', async () => {
      const store = makeStore();
      const a = await oneRoundTrip(store, { a: 1, b: 2 }, 10);
      const b = await oneRoundTrip(store, { a: 5, b: 2 }, 25);
      const d = await new Debugger({ store }).diff(a.result.runId, b.result.runId);
      expect(d.steps.map((s) => s.change)).toEqual(['changed', 'same']);
      expect(d.steps[0]!.a?.calls[0]?.args).toEqual({ a: 1, b: 2 });
      expect(d.steps[0]!.b?.calls[0]?.args).toEqual({ a: 5, b: 2 });
      expect(d.deltas.totalTokens).toBe(b.result.usage.totalTokens - a.result.usage.totalTokens);
      expect(d.deltas.costUsd).toBeCloseTo(b.result.usage.costUsd - a.result.usage.costUsd, 12);
      expect(d.finalText).toEqual({ a: 'final answer', b: 'final answer', same: true });
      expect(d.tools).toEqual({ onlyA: [], onlyB: [] });
    });

    it('aligns an extra step as added', async () => {
      const store = makeStore();
      const a = await oneRoundTrip(store);
      const agent = new Agent({
        name: 'calc',
        model: scripted([
          { toolCalls: [{ id: 'call_add', name: 'add', args: { a: 1, b: 2 } }] },
          { toolCalls: [{ name: 'add', args: { a: 3, b: 3 } }] },
          { text: 'final answer' },
        ]),
        tools: [add],
      });
      const b = await new Runner({ store }).run(agent, { userMessage: 'add 1 and 2' });
      const d = await new Debugger({ store }).diff(a.result.runId, b.runId);
      expect(d.steps.map((s) => s.change)).toEqual(['same', 'added', 'same']);
    });
  });

  describe('B49: fork', () => {
    it('continues from the response that asked for a tool with an edited result; the original is unchanged', async () => {
      const { store, runner, result } = await oneRoundTrip(makeStore());
      const before = await store.readEvents(result.runId);
      const asked = before.find((e) => e.type === 'llm_completed') as (typeof before)[number];
      const dbg = new Debugger({ store });
      const forkId = await dbg.fork(result.runId, {
        atSeq: asked.seq,
        edit: { toolResult: { toolCallId: 'call_add', content: '42' } },
      });
      const rec = await store.getRun(forkId);
      expect(rec).toMatchObject({
        status: 'interrupted',
        forkedFrom: { runId: result.runId, seq: asked.seq },
      });
      expect(rec!.threadId).not.toBe(result.threadId);

      let seen: LLMRequest | undefined;
      const model = scripted((req) => {
        seen = req;
        return { text: 'forty-two' };
      });
      const agent = new Agent({ name: 'calc', model, tools: [add] });
      const resumed = await runner.resume(agent, { runId: forkId, threadId: rec!.threadId });
      expect(resumed.state).toBe('completed');
      expect(resumed.finalText).toBe('forty-two');
      expect(toolContent(seen, 'call_add')).toBe('42');
      // The resumed fork still names its origin (the runner's writes keep the record's forkedFrom).
      expect((await store.getRun(forkId))?.forkedFrom).toEqual({ runId: result.runId, seq: asked.seq });
      expect(await store.readEvents(result.runId)).toEqual(before);
      const thread = await store.getThread(result.threadId);
      expect(thread?.lastRunId).toBe(result.runId);
    });

    it('edits the user message', async () => {
      const { store, runner, result } = await oneRoundTrip(makeStore());
      const dbg = new Debugger({ store });
      const forkId = await dbg.fork(result.runId, { atSeq: 0, edit: { userMessage: 'add 2 and 2' } });
      let seen: LLMRequest | undefined;
      const agent = new Agent({
        name: 'calc',
        model: scripted((req) => {
          seen = req;
          return { text: 'four' };
        }),
        tools: [add],
      });
      const rec = await store.getRun(forkId);
      const r = await runner.resume(agent, { runId: forkId, threadId: rec!.threadId });
      expect(r.finalText).toBe('four');
      expect(seen?.messages.some((m) => m.role === 'user' && m.content === 'add 2 and 2')).toBe(true);
      expect(seen?.messages.some((m) => m.role === 'user' && m.content === 'add 1 and 2')).toBe(false);
    });
  });

  describe('stateAt: time travel', () => {
    it('folds the log up to a seq', async () => {
      const { store, result } = await oneRoundTrip(makeStore());
      const events = await store.readEvents(result.runId);
      const asked = events.find((e) => e.type === 'llm_completed')!;
      const view = await new Debugger({ store }).stateAt(result.runId, asked.seq);
      expect(view.seq).toBe(asked.seq);
      expect(view.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
      expect(view.pendingToolCalls.map((c) => c.id)).toEqual(['call_add']);
      expect(view.counters.llmCalls).toBe(1);
    });
  });
});
