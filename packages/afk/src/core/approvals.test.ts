import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { PolicyEngine } from '../agents/policy.js';
import { scripted } from '../llms/providers/scripted.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { tool } from '../tools/tool.js';
import { Runner } from './runner.js';
import { toolContent } from './test-support/fixtures.js';
import { askSend, type Sent, sendModel, sendTool } from './test-support/mail-fixtures.js';

async function interruptedRun(store = new InMemoryStore()) {
  const sent: Sent[] = [];
  const model = sendModel();
  const agent = new Agent({ name: 'mailer', model, tools: [sendTool(sent)] });
  const runner = new Runner({ store, policy: askSend, config: { interactionMode: 'external' } });
  const r = await runner.run(agent, { userMessage: 'send bob hi' });
  expect(r.state).toBe('interrupted');
  expect(r.pending?.approvals).toHaveLength(1);
  const approval = r.pending!.approvals[0]!;
  return { store, sent, model, agent, runner, r, approval };
}

describe('B18: approvals in external mode', () => {
  it('interrupts with one durable pending approval; approve + resume runs the tool once and completes', async () => {
    const { store, sent, model, agent, runner, r, approval } = await interruptedRun();
    expect(approval).toMatchObject({
      runId: r.runId,
      threadId: r.threadId,
      toolCallId: 'call_send',
      toolName: 'send',
      args: { to: 'bob', body: 'hi' },
      kind: 'approval',
      ruleId: 'ask-send',
      reason: 'sending needs a human',
      status: 'pending',
      agentPath: 'mailer',
    });
    expect(approval.allowedDecisions).toEqual(expect.arrayContaining(['approve', 'reject', 'edit']));
    expect(await store.listApprovals({ runId: r.runId })).toEqual([
      expect.objectContaining({ id: approval.id, status: 'pending' }),
    ]);
    expect(await runner.listApprovals({ runId: r.runId, status: 'pending' })).toHaveLength(1);
    expect(sent).toHaveLength(0);
    expect(model.calls).toBe(1);

    await runner.decideApproval({ approvalId: approval.id, decision: { kind: 'approve' } });
    expect((await store.getApproval(approval.id))?.status).toBe('approved');
    const done = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(done.finalText).toBe('done');
    expect(done.pending).toBeUndefined();
    expect(sent).toEqual([{ to: 'bob', body: 'hi' }]);
    expect(done.toolExecutions).toEqual([
      expect.objectContaining({
        toolName: 'send',
        toolCallId: 'call_send',
        success: true,
        output: 'sent to bob',
      }),
    ]);
    expect(model.calls).toBe(2);
    expect(toolContent(model.requests[1], 'call_send')).toBe('sent to bob');

    // A second resume of the finished run does nothing more.
    const again = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(again.state).toBe('completed');
    expect(sent).toHaveLength(1);
    expect(model.calls).toBe(2);
  });

  it('reject with a reason: the model receives the reason, the tool never runs, the call is not asked about again', async () => {
    const { store, sent, model, agent, runner, r, approval } = await interruptedRun();
    await runner.decideApproval({
      approvalId: approval.id,
      decision: { kind: 'reject', reason: 'bob is on holiday' },
    });
    const before = (await runner.events(r.runId)).length;
    const done = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(sent).toHaveLength(0);
    const content = toolContent(model.requests[1], 'call_send');
    expect(content).toContain('bob is on holiday');
    expect(content).toContain('rejected');
    const after = (await runner.events(r.runId)).slice(before);
    expect(after.filter((e) => e.type === 'approval_requested')).toHaveLength(0);
    expect(await store.listApprovals({ runId: r.runId })).toEqual([
      expect.objectContaining({ id: approval.id, status: 'rejected' }),
    ]);
  });

  it('edit: the tool runs with the edited args', async () => {
    const { sent, model, agent, runner, r, approval } = await interruptedRun();
    await runner.decideApproval({
      approvalId: approval.id,
      decision: { kind: 'edit', args: { to: 'alice', body: 'hello' } },
    });
    const done = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(sent).toEqual([{ to: 'alice', body: 'hello' }]);
    expect(toolContent(model.requests[1], 'call_send')).toBe('sent to alice');
  });

  it('edit with invalid args: refused at decide time with the schema issues; the tool never runs', async () => {
    const { sent, store, runner, approval } = await interruptedRun();
    await expect(
      runner.decideApproval({
        approvalId: approval.id,
        decision: { kind: 'edit', args: { to: '', body: 42 } },
      }),
    ).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/to: .*body: /) });
    expect((await store.getApproval(approval.id))?.status).toBe('pending');
    expect(sent).toHaveLength(0);
  });

  it('refuses a second decision (approval_stale), a decision kind not allowed, and a mismatched args hash', async () => {
    const { store, runner, approval } = await interruptedRun();
    await expect(
      runner.decideApproval({ approvalId: approval.id, decision: { kind: 'respond', value: 'yes' } }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(
      runner.decideApproval({
        approvalId: approval.id,
        decision: { kind: 'approve' },
        argsHash: 'not-the-hash',
      }),
    ).rejects.toMatchObject({ code: 'approval_stale' });
    expect((await store.getApproval(approval.id))?.status).toBe('pending');
    await runner.decideApproval({
      approvalId: approval.id,
      decision: { kind: 'approve' },
      argsHash: approval.argsHash,
    });
    await expect(
      runner.decideApproval({ approvalId: approval.id, decision: { kind: 'reject' } }),
    ).rejects.toMatchObject({ code: 'approval_stale' });
    expect((await store.getApproval(approval.id))?.status).toBe('approved');
    await expect(
      runner.decideApproval({ approvalId: 'apr_nope', decision: { kind: 'approve' } }),
    ).rejects.toMatchObject({ code: 'approval_not_found' });
  });
});

describe('B19: a pending approval survives a new Runner over the same store', () => {
  it('decides and resumes on a fresh runner and completes', async () => {
    const { store, sent, agent, r, approval } = await interruptedRun();
    const reloaded = new Runner({ store, policy: askSend, config: { interactionMode: 'external' } });
    const listed = await reloaded.listApprovals({ threadId: r.threadId, status: 'pending' });
    expect(listed.map((a) => a.id)).toEqual([approval.id]);
    await reloaded.decideApproval({ approvalId: approval.id, decision: { kind: 'approve' } });
    const done = await reloaded.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(done.finalText).toBe('done');
    expect(sent).toEqual([{ to: 'bob', body: 'hi' }]);
    expect((await store.getRun(r.runId))?.status).toBe('completed');
  });
});

describe('B20: request_user_input', () => {
  it('the human value becomes the argument named by updatedArgs', async () => {
    const received: Array<{ question: string; answer?: string | undefined }> = [];
    const confirm = tool({
      name: 'confirm',
      description: 'Ask the user to confirm',
      args: z.object({ question: z.string(), answer: z.string().optional() }),
      run: async (a) => {
        received.push(a);
        return `user said ${a.answer ?? '(nothing)'}`;
      },
    });
    const policy = new PolicyEngine([
      {
        id: 'ask-user',
        action: 'request_user_input',
        when: { tool: 'confirm' },
        reason: 'Proceed?',
        updatedArgs: { answer: null },
      },
    ]);
    const model = scripted([
      { toolCalls: [{ id: 'c1', name: 'confirm', args: { question: 'Proceed?' } }] },
      { text: 'ok' },
    ]);
    const agent = new Agent({ name: 'asker', model, tools: [confirm] });
    const runner = new Runner({ policy, config: { interactionMode: 'external' } });
    const r = await runner.run(agent, { userMessage: 'go' });
    expect(r.state).toBe('interrupted');
    const req = r.pending!.approvals[0]!;
    expect(req).toMatchObject({ kind: 'user_input', toolName: 'confirm', ruleId: 'ask-user' });
    expect(req.allowedDecisions).toContain('respond');
    await expect(
      runner.decideApproval({ approvalId: req.id, decision: { kind: 'approve' } }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    await runner.decideApproval({ approvalId: req.id, decision: { kind: 'respond', value: 'yes' } });
    const done = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(received).toEqual([{ question: 'Proceed?', answer: 'yes' }]);
    expect(toolContent(model.requests[1], 'c1')).toBe('user said yes');
    expect((await runner.listApprovals({ runId: r.runId }))[0]?.status).toBe('responded');
  });
});

describe('B21: headless mode', () => {
  it('denies approval requests by default: the tool does not run and the model is told', async () => {
    const sent: Sent[] = [];
    const model = sendModel();
    const runner = new Runner({ policy: askSend });
    expect(runner.config.interactionMode).toBe('headless');
    const r = await runner.run(new Agent({ name: 'mailer', model, tools: [sendTool(sent)] }), {
      userMessage: 'x',
    });
    expect(r.state).toBe('completed');
    expect(sent).toHaveLength(0);
    expect(r.toolExecutions).toHaveLength(0);
    const content = toolContent(model.requests[1], 'call_send') ?? '';
    expect(content).toContain('rejected');
    expect(content).toContain('No human was available');
    const resolved = (await runner.events(r.runId)).find((e) => e.type === 'approval_resolved');
    expect(resolved?.data).toMatchObject({ status: 'rejected', by: 'fallback' });
  });

  it('approvalFallback approve runs the tool', async () => {
    const sent: Sent[] = [];
    const runner = new Runner({ policy: askSend, config: { approvalFallback: 'approve' } });
    const r = await runner.run(new Agent({ name: 'mailer', model: sendModel(), tools: [sendTool(sent)] }), {
      userMessage: 'x',
    });
    expect(r.state).toBe('completed');
    expect(sent).toHaveLength(1);
  });
});

describe('B22: needsApproval is honoured on every path', () => {
  it('a direct tool (boolean and predicate)', async () => {
    const sent: Sent[] = [];
    const model = scripted([
      {
        toolCalls: [
          { id: 'a', name: 'send', args: { to: 'boss', body: 'x' } },
          { id: 'b', name: 'send', args: { to: 'friend', body: 'y' } },
        ],
      },
      { text: 'done' },
    ]);
    const agent = new Agent({
      name: 'm',
      model,
      tools: [sendTool(sent, { needsApproval: (a) => a.to === 'boss' })],
    });
    const runner = new Runner({ config: { interactionMode: 'external' } });
    const r = await runner.run(agent, { userMessage: 'x' });
    expect(r.state).toBe('interrupted');
    expect(r.pending?.approvals.map((a) => a.toolCallId)).toEqual(['a']);
    expect(r.pending?.approvals[0]?.ruleId).toBeUndefined();
    expect(sent).toEqual([{ to: 'friend', body: 'y' }]);
    await runner.decideApproval({ approvalId: r.pending!.approvals[0]!.id, decision: { kind: 'approve' } });
    const done = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(sent).toEqual([
      { to: 'friend', body: 'y' },
      { to: 'boss', body: 'x' },
    ]);
    expect(toolContent(model.requests[1], 'a')).toBe('sent to boss');
    expect(toolContent(model.requests[1], 'b')).toBe('sent to friend');
  });

  it("a subagent's tool: the approval surfaces on the root run; deciding and resuming the root completes child and parent", async () => {
    const sent: Sent[] = [];
    const childModel = scripted([
      { toolCalls: [{ id: 'cs', name: 'send', args: { to: 'bob', body: 'from child' } }] },
      { text: 'child done' },
    ]);
    const child = new Agent({
      name: 'child',
      description: 'sends mail',
      model: childModel,
      tools: [sendTool(sent, { needsApproval: true })],
    });
    const parentModel = scripted([
      { toolCalls: [{ id: 'pc', name: 'child', args: { task: 'mail bob' } }] },
      { text: 'parent done' },
    ]);
    const parent = new Agent({ name: 'parent', model: parentModel, subagents: [child] });
    const store = new InMemoryStore();
    const runner = new Runner({ store, config: { interactionMode: 'external' } });
    const r = await runner.run(parent, { userMessage: 'go' });
    expect(r.state).toBe('interrupted');
    expect(sent).toHaveLength(0);
    const surfaced = await runner.listApprovals({ runId: r.runId });
    expect(surfaced).toHaveLength(1);
    const approval = surfaced[0]!;
    expect(approval).toMatchObject({
      toolName: 'send',
      agentPath: 'parent>child',
      rootRunId: r.runId,
      status: 'pending',
    });
    expect(approval.runId).not.toBe(r.runId);
    expect(r.pending?.approvals.map((a) => a.id)).toEqual([approval.id]);

    // A fresh runner (a reload) decides and resumes the ROOT.
    const reloaded = new Runner({ store, config: { interactionMode: 'external' } });
    await reloaded.decideApproval({ approvalId: approval.id, decision: { kind: 'approve' } });
    const done = await reloaded.resume(parent, { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(done.finalText).toBe('parent done');
    expect(sent).toEqual([{ to: 'bob', body: 'from child' }]);
    expect(toolContent(parentModel.requests[1], 'pc')).toBe('child done');
    expect(done.toolExecutions).toEqual([
      expect.objectContaining({ toolName: 'send', agentPath: 'parent>child', success: true }),
    ]);
    expect(done.subagentExecutions).toEqual([
      expect.objectContaining({
        subagentName: 'child',
        success: true,
        outputText: 'child done',
        runId: approval.runId,
      }),
    ]);
    expect((await store.getRun(approval.runId))?.status).toBe('completed');
    expect(childModel.calls).toBe(2);
    expect(parentModel.calls).toBe(2);
  });

  it('a background (deferring) tool: approved first, then deferred and resolved', async () => {
    let bodies = 0;
    const report = tool({
      name: 'report',
      description: 'Build a report in the background',
      args: z.object({ topic: z.string() }),
      needsApproval: true,
      run: (a, ctx) => {
        bodies++;
        return ctx.defer({ summary: `building ${a.topic}`, work: Promise.resolve({ pages: 3 }) });
      },
    });
    const model = scripted((req) => {
      const text = req.messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
      if (text.includes('"pages":3')) return { text: 'report has 3 pages' };
      if (req.messages.some((m) => m.role === 'tool')) return { text: 'waiting for the report' };
      return { toolCalls: [{ id: 'r1', name: 'report', args: { topic: 'sales' } }] };
    });
    const agent = new Agent({ name: 'bg', model, tools: [report] });
    const runner = new Runner({ config: { interactionMode: 'external', backgroundMaxWaitMs: 2000 } });
    const r = await runner.run(agent, { userMessage: 'report please' });
    expect(r.state).toBe('interrupted');
    expect(bodies).toBe(0);
    expect(r.pending?.approvals[0]).toMatchObject({ toolName: 'report', toolCallId: 'r1' });
    await runner.decideApproval({ approvalId: r.pending!.approvals[0]!.id, decision: { kind: 'approve' } });
    const done = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(done.finalText).toBe('report has 3 pages');
    expect(bodies).toBe(1);
    const types = (await runner.events(r.runId)).map((e) => e.type);
    expect(types).toContain('tool_deferred');
    expect(types).toContain('tool_background_resolved');
  });

  it.skip('an MCP tool (afk/mcp is not built yet)', () => {});
});
