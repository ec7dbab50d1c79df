import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import { PolicyEngine } from '../agents/policy.js';
import { scripted } from '../llms/providers/scripted.js';
import { DexieStore } from '../memory/dexie-store.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { uniqueDbName } from '../memory/test-support/dexie-harness.js';
import type { MemoryStore } from '../memory/types.js';
import { Runner } from './runner.js';
import { add } from './test-helpers.js';

const policy = new PolicyEngine([{ id: 'ask', action: 'request_approval', when: { tool: 'add' } }]);

describe.each([
  ['InMemoryStore', (): MemoryStore => new InMemoryStore()],
  [
    'DexieStore (fake-indexeddb)',
    (): MemoryStore => new DexieStore({ name: uniqueDbName('afk-race'), indexedDB, IDBKeyRange }),
  ],
])('two concurrent decisions on one approval: %s', (_label, make) => {
  it('exactly one decision is recorded; the loser gets approval_stale, not a storage error', async () => {
    const store = make();
    try {
      const runner = new Runner({ store, policy, config: { interactionMode: 'external' } });
      const model = scripted([
        { toolCalls: [{ id: 'c1', name: 'add', args: { a: 1, b: 2 } }] },
        { text: 'three' },
      ]);
      const r = await runner.run(new Agent({ name: 'sum', model, tools: [add] }), { userMessage: 'add' });
      const approvalId = r.pending!.approvals[0]!.id;
      const other = new Runner({ store, policy, config: { interactionMode: 'external' } });
      const results = await Promise.allSettled([
        runner.decideApproval({ approvalId, decision: { kind: 'approve' } }),
        other.decideApproval({ approvalId, decision: { kind: 'reject', reason: 'no' } }),
      ]);
      const rejected = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect(rejected[0]!.reason).toMatchObject({ code: 'approval_stale' });
      const status = results[0]!.status === 'fulfilled' ? 'approved' : 'rejected';
      expect((await store.getApproval(approvalId))?.status).toBe(status);
      // Deciding writes the row only; the run's owner logs the one decision when it resumes.
      const agent = new Agent({ name: 'sum', model, tools: [add] });
      await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
      const resolved = (await store.readEvents(r.runId)).filter((e) => e.type === 'approval_resolved');
      expect(resolved).toHaveLength(1);
      expect(resolved[0]).toMatchObject({ data: { status, by: 'human' } });
    } finally {
      await store.close();
    }
  });
});
