import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { PolicyEngine } from '../agents/policy.js';
import { scripted } from '../llms/providers/scripted.js';
import { tool } from '../tools/tool.js';
import { Runner } from './runner.js';
import { add } from './test-helpers.js';

describe('policy', () => {
  it('B17: a deny rule stops the tool, tells the model, records the rule, and the run completes', async () => {
    let ran = false;
    const guarded = {
      ...add,
      run: async () => {
        ran = true;
        return 0;
      },
    };
    const policy = new PolicyEngine([
      { id: 'deny-add', action: 'deny', priority: 200, when: { event: 'tool_before_execute', tool: 'add' } },
    ]);
    const model = scripted([{ toolCalls: [{ name: 'add', args: { a: 1, b: 2 } }] }, { text: 'ok' }]);
    const runner = new Runner({ policy });
    const r = await runner.run(new Agent({ name: 'a', model, tools: [guarded] }), { userMessage: 'x' });
    expect(ran).toBe(false);
    expect(r.state).toBe('completed');
    expect(r.toolExecutions).toHaveLength(0);
    expect((model.requests[1]!.messages.at(-1) as { content: string }).content).toContain('denied by policy');
    const decisions = (await runner.events(r.runId))
      .filter((e) => e.type === 'policy_decision')
      .map((e) => e.data);
    expect(decisions).toContainEqual(
      expect.objectContaining({ event: 'tool_before_execute', action: 'deny', ruleId: 'deny-add' }),
    );
  });

  it('sorts by priority desc then id, first match wins, globs match tool names', async () => {
    const engine = new PolicyEngine([
      { id: 'b-allow', action: 'allow', priority: 100, when: { tool: 'send_*' } },
      { id: 'a-deny', action: 'deny', priority: 100, when: { tool: 'send_*' } },
      {
        id: 'top',
        action: 'request_approval',
        priority: 300,
        when: { tool: 'send_email', args: { to: 'ceo@x.com' } },
      },
    ]);
    const ev = {
      type: 'tool_before_execute' as const,
      runId: 'r',
      threadId: 't',
      agentName: 'a',
      agentPath: 'a',
      step: 1,
      context: {},
    };
    expect((await engine.evaluate({ ...ev, toolName: 'send_email', args: { to: 'bob@x.com' } })).ruleId).toBe(
      'a-deny',
    );
    const top = await engine.evaluate({ ...ev, toolName: 'send_email', args: { to: 'ceo@x.com' } });
    expect(top).toMatchObject({
      action: 'request_approval',
      ruleId: 'top',
      matchedRules: ['top', 'a-deny', 'b-allow'],
    });
    expect((await engine.evaluate({ ...ev, toolName: 'read' })).action).toBe('allow');
  });

  it('fails closed when a rule throws, and shadow mode records without applying', async () => {
    const closed = new PolicyEngine([
      () => {
        throw new Error('bug');
      },
    ]);
    const d = await closed.evaluate({
      type: 'tool_before_execute',
      runId: 'r',
      threadId: 't',
      agentName: 'a',
      agentPath: 'a',
      step: 1,
      context: {},
    });
    expect(d).toMatchObject({ action: 'deny' });
    expect(d.error).toContain('bug');
    const shadow = new PolicyEngine([{ id: 'deny-all', action: 'deny' }], { mode: 'shadow' });
    const runner = new Runner({ policy: shadow });
    const r = await runner.run(
      new Agent({
        name: 'a',
        model: scripted([{ toolCalls: [{ name: 'add', args: { a: 1, b: 2 } }] }, { text: 'ok' }]),
        tools: [add],
      }),
      { userMessage: 'x' },
    );
    expect(r.toolExecutions).toHaveLength(1);
    const shadowed = (await runner.events(r.runId)).filter(
      (e) => e.type === 'policy_decision' && e.data.mode === 'shadow',
    );
    expect(shadowed.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses invalid rules listing every issue', () => {
    expect(
      () =>
        new PolicyEngine([
          { id: '', action: 'nope' as 'deny' },
          { id: 'x', action: 'deny', priority: 'high' as unknown as number },
        ]),
    ).toThrow(
      expect.objectContaining({
        code: 'invalid_config',
        issues: expect.arrayContaining([
          expect.objectContaining({ path: [0, 'id'] }),
          expect.objectContaining({ path: [0, 'action'] }),
          expect.objectContaining({ path: [1, 'priority'] }),
        ]),
      }),
    );
  });

  it('allow with updatedArgs rewrites (and re-validates) the args', async () => {
    const policy = new PolicyEngine([
      { id: 'clamp', action: 'allow', when: { tool: 'add' }, updatedArgs: { b: 100 } },
    ]);
    const r = await new Runner({ policy }).run(
      new Agent({
        name: 'a',
        model: scripted([{ toolCalls: [{ name: 'add', args: { a: 1, b: 2 } }] }, { text: 'ok' }]),
        tools: [add],
      }),
      { userMessage: 'x' },
    );
    expect(r.toolExecutions[0]?.output).toBe(101);
  });
});

describe('subagents', () => {
  it('B31: the child gets the task as its user message; its answer is the tool result; records carry the path', async () => {
    const childModel = scripted([
      { toolCalls: [{ name: 'add', args: { a: 2, b: 3 } }] },
      { text: 'child says 5' },
    ]);
    const child = new Agent({ name: 'child', model: childModel, tools: [add], description: 'adds' });
    const parentModel = scripted([
      { toolCalls: [{ name: 'child', args: { task: 'add 2 and 3' } }] },
      { text: 'parent done' },
    ]);
    const parent = new Agent({ name: 'parent', model: parentModel, subagents: [child] });
    const r = await new Runner().run(parent, { userMessage: 'go' });
    expect(r.state).toBe('completed');
    expect(childModel.requests[0]!.messages).toEqual([{ role: 'user', content: 'add 2 and 3' }]);
    expect(parentModel.requests[1]!.messages.at(-1)).toMatchObject({
      role: 'tool',
      name: 'child',
      content: 'child says 5',
    });
    expect(r.toolExecutions).toEqual([
      expect.objectContaining({ toolName: 'add', agentPath: 'parent>child', agentName: 'child', output: 5 }),
    ]);
    expect(r.subagentExecutions).toEqual([
      expect.objectContaining({ subagentName: 'child', success: true, outputText: 'child says 5' }),
    ]);
    expect(parentModel.requests[0]!.tools?.map((t) => t.name)).toEqual(['child']);
    expect(r.usage.totalTokens).toBeGreaterThan(0);
  });

  it('B32: inheritContextKeys passes only the listed keys', async () => {
    let seen: Record<string, unknown> = {};
    const spy = tool({
      name: 'spy',
      description: 's',
      args: z.object({}),
      run: async (_a, ctx) => {
        seen = ctx.context;
        return 'ok';
      },
    });
    const child = new Agent({
      name: 'child',
      model: scripted([{ toolCalls: [{ name: 'spy' }] }, { text: 'ok' }]),
      tools: [spy],
      inheritContextKeys: ['secret'],
    });
    const parent = new Agent({
      name: 'parent',
      model: scripted([{ toolCalls: [{ name: 'child', args: { task: 't' } }] }, { text: 'ok' }]),
      subagents: [child],
    });
    await new Runner().run(parent, { userMessage: 'go', context: { secret: 's3', other: 'no' } });
    expect(seen).toEqual({ secret: 's3' });
  });

  it('B33: child failure with subagentFailurePolicy fail fails the parent', async () => {
    const child = new Agent({ name: 'child', model: scripted([{ error: { status: 400, message: 'bad' } }]) });
    const parent = new Agent({
      name: 'parent',
      model: scripted([{ toolCalls: [{ name: 'child', args: { task: 't' } }] }, { text: 'ok' }]),
      subagents: [child],
      failSafe: { subagentFailurePolicy: 'fail' },
    });
    const r = await new Runner().run(parent, { userMessage: 'go' });
    expect(r.state).toBe('failed');
    expect(r.error?.code).toBe('subagent_error');
  });

  it('B33: depth beyond maxSubagentDepth is refused with a clear error', async () => {
    const leaf = new Agent({ name: 'leaf', model: scripted([{ text: 'leaf' }]) });
    const mid = new Agent({
      name: 'mid',
      model: scripted([{ toolCalls: [{ name: 'leaf', args: { task: 't' } }] }, { text: 'mid' }]),
      subagents: [leaf],
    });
    const midModel = scripted([{ toolCalls: [{ name: 'leaf', args: { task: 't' } }] }, { text: 'mid' }]);
    const mid1 = new Agent({
      name: 'mid',
      model: midModel,
      subagents: [leaf],
      failSafe: { maxSubagentDepth: 1 },
    });
    const top = new Agent({
      name: 'top',
      model: scripted([{ toolCalls: [{ name: 'mid', args: { task: 't' } }] }, { text: 'top' }]),
      subagents: [mid1],
      failSafe: { maxSubagentDepth: 1 },
    });
    const r = await new Runner().run(top, { userMessage: 'go' });
    expect(r.state).toBe('completed');
    expect((midModel.requests[1]!.messages.at(-1) as { content: string }).content).toMatch(/subagent_depth/);
    expect(mid.subagents).toHaveLength(1);
  });

  it('B33: a cycle (an agent reached again through its subagents) is refused', async () => {
    const innerA = new Agent({ name: 'a', model: scripted([{ text: 'never' }]) });
    const bModel = scripted([{ toolCalls: [{ name: 'a', args: { task: 't' } }] }, { text: 'b done' }]);
    const b = new Agent({ name: 'b', model: bModel, subagents: [innerA] });
    const a = new Agent({
      name: 'a',
      model: scripted([{ toolCalls: [{ name: 'b', args: { task: 't' } }] }, { text: 'a done' }]),
      subagents: [b],
    });
    const r = await new Runner().run(a, { userMessage: 'go' });
    expect(r.state).toBe('completed');
    expect((bModel.requests[1]!.messages.at(-1) as { content: string }).content).toMatch(
      /subagent_cycle.*a > b > a/,
    );
  });

  it('relays child events on the parent stream with agentPath', async () => {
    const child = new Agent({
      name: 'child',
      model: scripted([{ toolCalls: [{ name: 'add', args: { a: 1, b: 1 } }] }, { text: 'c' }]),
      tools: [add],
    });
    const parent = new Agent({
      name: 'parent',
      model: scripted([{ toolCalls: [{ name: 'child', args: { task: 't' } }] }, { text: 'p' }]),
      subagents: [child],
    });
    const paths = new Set<string>();
    const seqs: number[] = [];
    for await (const ev of new Runner().runStream(parent, { userMessage: 'go' })) {
      if (ev.type === 'tool_completed') paths.add(`${ev.agentPath}:${ev.toolName}`);
      seqs.push(ev.seq);
    }
    expect(paths).toEqual(new Set(['parent>child:add', 'parent:child']));
    expect(seqs).toEqual(seqs.map((_, i) => i));
  });
});
