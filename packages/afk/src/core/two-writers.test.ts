import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { scripted } from '../llms/providers/scripted.js';
import { DexieStore } from '../memory/dexie-store.js';
import { uniqueDbName } from '../memory/test-support/dexie-harness.js';
import type { MemoryStore } from '../memory/types.js';
import { tool } from '../tools/tool.js';
import { Runner } from './runner.js';
import { askSend } from './test-support/mail-fixtures.js';

/**
 * Two owners, one run: tab A executes a resumed run while tab B decides another of its approvals.
 * B's decision lands on the approval row only; A — the lease owner — logs it and goes on. Two
 * DexieStore connections on one database stand for the two tabs.
 */
function slowSend(sent: string[], firstGate: Promise<void>, started: () => void) {
  return tool({
    name: 'send',
    description: 'Send a message',
    args: z.object({ to: z.string() }),
    run: async ({ to }) => {
      if (sent.length === 0) {
        started();
        await firstGate;
      }
      sent.push(to);
      return `sent to ${to}`;
    },
  });
}

const model = () =>
  scripted([
    {
      toolCalls: [
        { id: 'call_a', name: 'send', args: { to: 'ann' } },
        { id: 'call_b', name: 'send', args: { to: 'bob' } },
      ],
    },
    { text: 'both sent' },
  ]);

const open: MemoryStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function twoTabs() {
  const name = uniqueDbName('afk-two-writers');
  const a = new DexieStore({ name, indexedDB, IDBKeyRange });
  const b = new DexieStore({ name, indexedDB, IDBKeyRange });
  open.push(a, b);
  return {
    a: new Runner({ store: a, policy: askSend, config: { interactionMode: 'external' } }),
    b: new Runner({ store: b, policy: askSend, config: { interactionMode: 'external' } }),
    storeA: a,
  };
}

describe('two writers on one run', () => {
  it('a decision made in another tab while the run executes is ingested by the owner, not appended', async () => {
    const { a, b, storeA } = twoTabs();
    const sent: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let onStarted!: () => void;
    const started = new Promise<void>((r) => {
      onStarted = r;
    });
    const agent = new Agent({ name: 'mailer', model: model(), tools: [slowSend(sent, gate, onStarted)] });

    const paused = await a.run(agent, { userMessage: 'send both' });
    expect(paused.state).toBe('interrupted');
    const [first, second] = paused.pending!.approvals;
    expect(first?.toolCallId).toBe('call_a');
    await a.decideApproval({ approvalId: first!.id, decision: { kind: 'approve' } });
    const resumed = a.resume(agent, { runId: paused.runId, threadId: paused.threadId });
    await started;
    // Tab B decides #2 while tab A's slow tool runs: accepted, and it writes no event.
    const seqBefore = (await storeA.getRun(paused.runId))!.lastSeq;
    await b.decideApproval({ approvalId: second!.id, decision: { kind: 'approve' } });
    expect((await storeA.getRun(paused.runId))!.lastSeq).toBe(seqBefore);
    release();

    const done = await resumed;
    expect(done.state).toBe('completed');
    expect(done.finalText).toBe('both sent');
    expect(sent).toEqual(['ann', 'bob']);
    const events = await b.events(paused.runId);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    const resolved = events.filter((e) => e.type === 'approval_resolved');
    expect(resolved.map((e) => (e.data as { approvalId: string }).approvalId)).toEqual([
      first!.id,
      second!.id,
    ]);
    expect(resolved.every((e) => (e.data as { by: string }).by === 'human')).toBe(true);
    expect((await storeA.getRun(paused.runId))?.status).toBe('completed');
    // Resuming again (from either tab) returns the stored result: nothing runs twice.
    const again = await b.resume(agent, { runId: paused.runId, threadId: paused.threadId });
    expect(again.state).toBe('completed');
    expect(sent).toEqual(['ann', 'bob']);
  });

  it('a decision that arrives after the owner paused is ingested on the next resume', async () => {
    const { a, b } = twoTabs();
    const sent: string[] = [];
    const agent = new Agent({
      name: 'mailer',
      model: model(),
      tools: [slowSend(sent, Promise.resolve(), () => undefined)],
    });
    const paused = await a.run(agent, { userMessage: 'send both' });
    const [first, second] = paused.pending!.approvals;
    await b.decideApproval({ approvalId: first!.id, decision: { kind: 'approve' } });
    const half = await a.resume(agent, { runId: paused.runId, threadId: paused.threadId });
    expect(half.state).toBe('interrupted');
    expect(half.pending?.approvals.map((x) => x.id)).toEqual([second!.id]);
    await b.decideApproval({ approvalId: second!.id, decision: { kind: 'reject', reason: 'not bob' } });
    const done = await b.resume(agent, { runId: paused.runId, threadId: paused.threadId });
    expect(done.state).toBe('completed');
    expect(sent).toEqual(['ann']);
    const events = await a.events(paused.runId);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    // A decided approval cannot be decided again, from any tab.
    await expect(
      a.decideApproval({ approvalId: second!.id, decision: { kind: 'approve' } }),
    ).rejects.toMatchObject({
      code: 'approval_stale',
    });
  });
});
