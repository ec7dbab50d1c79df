import { describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import type { ApprovalRequest } from '../events/records.js';
import type { InteractionProvider } from './interaction.js';
import { Runner } from './runner.js';
import { toolContent } from './test-support/fixtures.js';
import { askSend, type Sent, sendModel, sendTool } from './test-support/mail-fixtures.js';

describe('interactive mode with an InteractionProvider', () => {
  it('the provider approves in process: no interruption, the tool runs', async () => {
    const sent: Sent[] = [];
    const seen: ApprovalRequest[] = [];
    const interaction: InteractionProvider = {
      decide: async (req) => {
        seen.push(req);
        return { kind: 'approve' };
      },
    };
    const runner = new Runner({ policy: askSend, interaction, config: { interactionMode: 'interactive' } });
    const r = await runner.run(new Agent({ name: 'mailer', model: sendModel(), tools: [sendTool(sent)] }), {
      userMessage: 'x',
    });
    expect(r.state).toBe('completed');
    expect(sent).toEqual([{ to: 'bob', body: 'hi' }]);
    expect(seen).toEqual([
      expect.objectContaining({ toolName: 'send', args: { to: 'bob', body: 'hi' }, ruleId: 'ask-send' }),
    ]);
    const resolved = (await runner.events(r.runId)).find((e) => e.type === 'approval_resolved');
    expect(resolved?.data).toMatchObject({ status: 'approved', by: 'interaction_provider' });
  });

  it('the provider edits the args', async () => {
    const sent: Sent[] = [];
    const interaction: InteractionProvider = {
      decide: async () => ({ kind: 'edit', args: { to: 'carol', body: 'hi' } }),
    };
    const runner = new Runner({ policy: askSend, interaction, config: { interactionMode: 'interactive' } });
    const r = await runner.run(new Agent({ name: 'mailer', model: sendModel(), tools: [sendTool(sent)] }), {
      userMessage: 'x',
    });
    expect(r.state).toBe('completed');
    expect(sent).toEqual([{ to: 'carol', body: 'hi' }]);
  });

  it('a provider that never answers times out to the fallback (deny), even if it ignores the signal', async () => {
    const sent: Sent[] = [];
    let aborted = false;
    const interaction: InteractionProvider = {
      decide: (_req, { signal }) => {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
        return new Promise(() => {});
      },
    };
    const model = sendModel();
    const runner = new Runner({
      policy: askSend,
      interaction,
      config: { interactionMode: 'interactive', approvalTimeoutMs: 30 },
    });
    const t0 = Date.now();
    const r = await runner.run(new Agent({ name: 'mailer', model, tools: [sendTool(sent)] }), {
      userMessage: 'x',
    });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.state).toBe('completed');
    expect(sent).toHaveLength(0);
    expect(aborted).toBe(true);
    expect(toolContent(model.requests[1], 'call_send')).toContain('rejected');
    const events = await runner.events(r.runId);
    expect(events.find((e) => e.type === 'approval_resolved')?.data).toMatchObject({
      status: 'rejected',
      by: 'timeout',
    });
    expect(events.some((e) => e.type === 'warning' && e.data.code === 'approval_fallback')).toBe(true);
  });
});
