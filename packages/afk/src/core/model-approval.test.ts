import { describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import { PolicyEngine } from '../agents/policy.js';
import type { ApprovalRequest } from '../events/records.js';
import { scripted } from '../llms/providers/scripted.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { Runner } from './runner.js';

/** Every model call needs a human. */
const askModel = () =>
  new PolicyEngine([
    {
      id: 'ask-model',
      action: 'request_approval',
      reason: 'model calls cost money',
      when: { event: 'llm_before_execute' },
    },
  ]);

describe('llm_before_execute rules that request approval pause before the model call', () => {
  it('external: pauses with a (model) approval, no model call; approve + resume calls the model and completes', async () => {
    const store = new InMemoryStore();
    const model = scripted([{ text: 'the answer' }]);
    const agent = new Agent({ name: 'a', model });
    const runner = new Runner({ store, policy: askModel(), config: { interactionMode: 'external' } });
    const r = await runner.run(agent, { userMessage: 'x' });
    expect(r.state).toBe('interrupted');
    expect(model.calls).toBe(0);
    expect(r.pending?.approvals).toEqual([
      expect.objectContaining({
        toolName: '(model)',
        kind: 'approval',
        ruleId: 'ask-model',
        reason: 'model calls cost money',
        status: 'pending',
      }),
    ]);
    const approval = r.pending!.approvals[0]!;
    expect(await store.listApprovals({ runId: r.runId })).toHaveLength(1);

    await runner.decideApproval({ approvalId: approval.id, decision: { kind: 'approve' } });
    // A fresh runner resumes (the pause is durable); its rule asks again for step 1: the
    // decision already made answers it.
    const done = await new Runner({
      store,
      policy: askModel(),
      config: { interactionMode: 'external' },
    }).resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(done.finalText).toBe('the answer');
    expect(model.calls).toBe(1);
    expect(done.stateSnapshot.step).toBe(1);
  });

  it('external: reject ends the run with approval_rejected without calling the model (degraded, or failed per approvalDenialPolicy)', async () => {
    for (const [policy, state] of [
      ['continue', 'degraded'],
      ['fail', 'failed'],
    ] as const) {
      const model = scripted([{ text: 'never' }]);
      const agent = new Agent({ name: 'a', model, failSafe: { approvalDenialPolicy: policy } });
      const runner = new Runner({ policy: askModel(), config: { interactionMode: 'external' } });
      const r = await runner.run(agent, { userMessage: 'x' });
      await runner.decideApproval({
        approvalId: r.pending!.approvals[0]!.id,
        decision: { kind: 'reject', reason: 'too expensive' },
      });
      const done = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
      expect(done.state).toBe(state);
      expect(done.error?.code).toBe('approval_rejected');
      expect(done.error?.message).toContain('too expensive');
      expect(model.calls).toBe(0);
    }
  });

  it('headless: approvalFallback decides (reject by default; approve lets the call through)', async () => {
    const rejected = scripted([{ text: 'never' }]);
    const r = await new Runner({ policy: askModel() }).run(new Agent({ name: 'a', model: rejected }), {
      userMessage: 'x',
    });
    expect(r.state).toBe('degraded');
    expect(r.error?.code).toBe('approval_rejected');
    expect(rejected.calls).toBe(0);
    const approved = scripted([{ text: 'yes' }]);
    const ok = await new Runner({ policy: askModel(), config: { approvalFallback: 'approve' } }).run(
      new Agent({ name: 'a', model: approved }),
      { userMessage: 'x' },
    );
    expect(ok.state).toBe('completed');
    expect(ok.finalText).toBe('yes');
  });

  it('interactive: the InteractionProvider is asked once per model call', async () => {
    const asked: ApprovalRequest[] = [];
    const model = scripted([{ text: 'fine' }]);
    const runner = new Runner({
      policy: askModel(),
      config: { interactionMode: 'interactive' },
      interaction: {
        decide: async (req) => {
          asked.push(req);
          return { kind: 'approve' };
        },
      },
    });
    const r = await runner.run(new Agent({ name: 'a', model }), { userMessage: 'x' });
    expect(r.state).toBe('completed');
    expect(asked).toEqual([
      expect.objectContaining({ toolName: '(model)', args: { model: 'scripted:scripted' } }),
    ]);
  });
});
