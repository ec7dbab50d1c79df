import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { scripted } from '../llms/providers/scripted.js';
import { tool } from '../tools/tool.js';
import { Runner } from './runner.js';
import { closePages, dbName, expectValidLog, page } from './test-support/durable-fixtures.js';
import { askSend } from './test-support/mail-fixtures.js';

afterEach(closePages);

/**
 * Two tabs on one IndexedDB database in real Chromium (two DexieStore connections, Web Locks
 * leases): tab B decides approval #2 while tab A executes the run it resumed after #1.
 */
describe('two writers on one run, in Chromium', () => {
  it('the decision lands on the row; the executing tab logs it and finishes; every call runs once', async () => {
    const name = dbName();
    const sent: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let onStarted!: () => void;
    const started = new Promise<void>((r) => {
      onStarted = r;
    });
    const send = tool({
      name: 'send',
      description: 'Send a message',
      args: z.object({ to: z.string() }),
      run: async ({ to }) => {
        if (sent.length === 0) {
          onStarted();
          await gate;
        }
        sent.push(to);
        return `sent to ${to}`;
      },
    });
    const model = scripted([
      {
        toolCalls: [
          { id: 'call_a', name: 'send', args: { to: 'ann' } },
          { id: 'call_b', name: 'send', args: { to: 'bob' } },
        ],
      },
      { text: 'both sent' },
    ]);
    const agent = new Agent({ name: 'mailer', model, tools: [send] });
    const tabA = new Runner({ store: page(name), policy: askSend, config: { interactionMode: 'external' } });
    const storeB = page(name);
    const tabB = new Runner({ store: storeB, policy: askSend, config: { interactionMode: 'external' } });

    const paused = await tabA.run(agent, { userMessage: 'send both' });
    expect(paused.state).toBe('interrupted');
    const [first, second] = paused.pending!.approvals;
    await tabA.decideApproval({ approvalId: first!.id, decision: { kind: 'approve' } });
    const resumed = tabA.resume(agent, { runId: paused.runId, threadId: paused.threadId });
    await started;
    await tabB.decideApproval({ approvalId: second!.id, decision: { kind: 'approve' } });
    release();

    const done = await resumed;
    expect(done.state).toBe('completed');
    expect(sent).toEqual(['ann', 'bob']);
    const events = await expectValidLog(storeB, paused.runId);
    expect(events.filter((e) => e.type === 'approval_resolved')).toHaveLength(2);
    expect((await storeB.getRun(paused.runId))?.status).toBe('completed');
  });
});
