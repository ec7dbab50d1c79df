import { describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { validateApprovalEdit } from './approval-edit.js';
import { Runner } from './runner.js';
import { askSend, type Sent, sendModel, sendTool } from './test-support/mail-fixtures.js';

describe('approval edits are validated in the browser (Chromium)', () => {
  it('decideApproval refuses a bad edit; validateApprovalEdit lists the issues from the row alone', async () => {
    const sent: Sent[] = [];
    const store = new InMemoryStore();
    const runner = new Runner({ store, policy: askSend, config: { interactionMode: 'external' } });
    const r = await runner.run(new Agent({ name: 'mailer', model: sendModel(), tools: [sendTool(sent)] }), {
      userMessage: 'send',
    });
    const approval = r.pending!.approvals[0]!;
    const check = validateApprovalEdit(approval, { to: '', body: 'x' });
    expect(check.ok).toBe(false);
    expect(!check.ok && check.issues.map((i) => i.path)).toEqual([['to']]);
    await expect(
      runner.decideApproval({ approvalId: approval.id, decision: { kind: 'edit', args: { body: 1 } } }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    expect((await store.getApproval(approval.id))?.status).toBe('pending');
  });
});
