import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApprovalRequest } from '../events/records.js';
import { DexieStore } from '../memory/dexie-store.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { uniqueDbName } from '../memory/test-support/dexie-harness.js';
import type { MemoryStore } from '../memory/types.js';
import { applyBridgeBatch } from './ingest.js';
import { event, events, record } from './test-support/batches.js';

const approval = (status: ApprovalRequest['status']): ApprovalRequest => ({
  id: 'ap1',
  runId: 'r1',
  threadId: 't1',
  rootRunId: 'r1',
  agentPath: 'a',
  toolCallId: 'c1',
  toolName: 'send',
  args: { to: 'x' },
  argsHash: 'h',
  kind: 'approval',
  allowedDecisions: ['approve', 'reject'],
  status,
  createdAt: 1,
  ...(status === 'pending'
    ? {}
    : { decision: { kind: status === 'approved' ? 'approve' : 'reject' }, decidedAt: 2 }),
});

const stores: MemoryStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

const kinds: Array<[string, () => MemoryStore]> = [
  ['InMemoryStore', () => new InMemoryStore()],
  [
    'DexieStore (fake-indexeddb)',
    () => new DexieStore({ name: uniqueDbName('bridge'), indexedDB, IDBKeyRange }),
  ],
];

describe.each(kinds)('applyBridgeBatch on %s', (_name, make) => {
  const fresh = () => {
    const s = make();
    stores.push(s);
    return s;
  };

  it('applies a batch once: the same batch twice leaves one copy', async () => {
    const s = fresh();
    const batch = { events: events('r1', 0, 2), run: record('r1', 2) };
    expect(await applyBridgeBatch(s, batch)).toMatchObject({ events: 3, records: 1, rejected: [] });
    expect(await applyBridgeBatch(s, batch)).toMatchObject({
      events: 0,
      records: 0,
      duplicates: 4,
      rejected: [],
    });
    expect((await s.readEvents('r1')).map((e) => e.seq)).toEqual([0, 1, 2]);
    // an overlapping batch appends only what is new
    const more = await applyBridgeBatch(s, { events: events('r1', 1, 4), run: record('r1', 4) });
    expect(more).toMatchObject({ events: 2, duplicates: 2, rejected: [] });
    expect((await s.readEvents('r1')).map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
    expect((await s.getRun('r1'))?.lastSeq).toBe(4);
  });

  it('reports a conflicting seq and a gap, and applies nothing of that run', async () => {
    const s = fresh();
    await applyBridgeBatch(s, { events: events('r1', 0, 1), run: record('r1', 1) });
    const conflict = await applyBridgeBatch(s, {
      events: [event('r1', 1, { ts: 99 }), event('r1', 2)],
      run: record('r1', 2),
    });
    expect(conflict.rejected).toMatchObject([{ kind: 'conflict', runId: 'r1' }]);
    expect(conflict.rejected[0]?.message).toContain('seq 1');
    const gap = await applyBridgeBatch(s, { events: events('r1', 5, 6), run: record('r1', 6) });
    expect(gap.rejected).toMatchObject([{ kind: 'gap', runId: 'r1' }]);
    const missingStart = await applyBridgeBatch(s, { events: events('r2', 3, 4) });
    expect(missingStart.rejected).toMatchObject([{ kind: 'gap', runId: 'r2' }]);
    expect((await s.readEvents('r1')).map((e) => e.seq)).toEqual([0, 1]);
    expect((await s.getRun('r1'))?.lastSeq).toBe(1);
    expect(await s.readEvents('r2')).toEqual([]);
  });

  it('keeps the newer run record and never reopens a decided approval', async () => {
    const s = fresh();
    await applyBridgeBatch(s, {
      events: events('r1', 0, 3),
      run: record('r1', 3),
      approvals: [approval('pending')],
    });
    await applyBridgeBatch(s, { approvals: [approval('approved')] });
    // a replayed older copy: the run record with a lower lastSeq and the pending approval
    const old = await applyBridgeBatch(s, {
      events: events('r1', 0, 1),
      run: record('r1', 1),
      approvals: [approval('pending')],
    });
    expect(old.rejected).toEqual([]);
    expect((await s.getRun('r1'))?.lastSeq).toBe(3);
    expect((await s.getApproval('ap1'))?.status).toBe('approved');
    const other = await applyBridgeBatch(s, { approvals: [approval('rejected')] });
    expect(other.rejected).toMatchObject([{ kind: 'stale' }]);
    expect((await s.getApproval('ap1'))?.status).toBe('approved');
  });
});
