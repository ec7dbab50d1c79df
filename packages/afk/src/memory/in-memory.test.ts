import { describe, expect, it } from 'vitest';
import type { ApprovalRequest } from '../events/records.js';
import { InMemoryStore } from './in-memory.js';
import { approval, evs, runRecord } from './store-contract.js';

describe('InMemoryStore.write atomicity', () => {
  it('a batch with an uncloneable approval stores nothing (no events, no seq advance) and fails as AfkStorageError', async () => {
    const store = new InMemoryStore();
    const bad = { ...approval('ap1', { runId: 'r1' }), args: { cb: () => 1 } } as unknown as ApprovalRequest;
    await expect(
      store.write({ events: evs('r1', 0, 2), run: runRecord('r1'), approvals: [bad] }),
    ).rejects.toMatchObject({ name: 'AfkStorageError', code: 'invalid_argument' });
    expect(await store.readEvents('r1')).toEqual([]);
    expect(await store.getRun('r1')).toBeUndefined();
    // The run's log still starts at 0: the failed batch did not advance its seq.
    await expect(store.write({ events: evs('r1', 0, 2) })).resolves.toBeUndefined();
  });
});
