import { describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import { isAfkError } from '../errors/index.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { validateApprovalEdit } from './approval-edit.js';
import { Runner } from './runner.js';
import { toolContent } from './test-support/fixtures.js';
import { askSend, type Sent, sendModel, sendTool } from './test-support/mail-fixtures.js';

async function pausedSend() {
  const sent: Sent[] = [];
  const store = new InMemoryStore();
  const runner = new Runner({ store, policy: askSend, config: { interactionMode: 'external' } });
  const agent = new Agent({ name: 'mailer', model: sendModel(), tools: [sendTool(sent)] });
  const r = await runner.run(agent, { userMessage: 'send bob hi' });
  expect(r.state).toBe('interrupted');
  return { sent, store, runner, agent, r, approval: r.pending!.approvals[0]! };
}

describe('decideApproval refuses edit args that fail the tool schema', () => {
  it('the approval carries the tool JSON Schema; a bad edit is refused at decide time with the issues', async () => {
    const { sent, store, runner, agent, r, approval } = await pausedSend();
    expect(approval.argsSchema).toMatchObject({
      type: 'object',
      properties: { to: { type: 'string', minLength: 1 }, body: { type: 'string' } },
      required: ['to', 'body'],
    });
    const err = await runner
      .decideApproval({ approvalId: approval.id, decision: { kind: 'edit', args: { to: '', body: 7 } } })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isAfkError(err) && err.code).toBe('invalid_argument');
    expect((err as Error).message).toMatch(/do not fit the schema of 'send'/);
    expect((err as { issues: Array<{ path: string[] }> }).issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([['to'], ['body']]),
    );
    // Nothing was recorded: the approval is still pending and a valid edit goes through.
    expect((await store.getApproval(approval.id))?.status).toBe('pending');
    await runner.decideApproval({
      approvalId: approval.id,
      decision: { kind: 'edit', args: { to: 'carol', body: 'hello' } },
    });
    const done = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(sent).toEqual([{ to: 'carol', body: 'hello' }]);
  });

  it('validateApprovalEdit needs no agent: the stored approval row alone', async () => {
    const { store, approval } = await pausedSend();
    const row = (await store.getApproval(approval.id))!;
    expect(validateApprovalEdit(row, { to: 'x', body: 'y' })).toEqual({ ok: true });
    const bad = validateApprovalEdit(row, { to: 'x' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.issues[0]?.message).toMatch(/body/);
    expect(validateApprovalEdit({}, { anything: true })).toEqual({ ok: true });
  });

  it('an InteractionProvider edit that fails the schema is still re-validated by the gate (never run)', async () => {
    const sent: Sent[] = [];
    const model = sendModel();
    const runner = new Runner({
      policy: askSend,
      config: { interactionMode: 'interactive' },
      interaction: { decide: async () => ({ kind: 'edit', args: { to: '' } }) },
    });
    const r = await runner.run(new Agent({ name: 'mailer', model, tools: [sendTool(sent)] }), {
      userMessage: 'send',
    });
    expect(r.state).toBe('completed');
    expect(sent).toEqual([]);
    expect(toolContent(model.requests[1], 'call_send')).toMatch(/Invalid arguments for 'send'/);
  });
});
