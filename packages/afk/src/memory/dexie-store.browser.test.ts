import { afterEach, describe, expect, it } from 'vitest';
import { DexieStore } from './dexie-store.js';
import { describeStoreContract } from './store-contract.js';
import { dexieHarness, uniqueDbName } from './test-support/dexie-harness.js';
import { describeDexieStoreBehaviour } from './test-support/dexie-suite.js';

const deps = { indexedDB, IDBKeyRange, IDBDatabase };

// Real IndexedDB; leases on Web Locks, which last until release (no TTL takeover).
describeStoreContract('DexieStore (Chromium)', () => dexieHarness(deps), { leaseExpiry: false });

describeDexieStoreBehaviour('Chromium', deps);

describe('DexieStore Web Locks leases (two tabs on one database)', () => {
  const stores: DexieStore[] = [];
  const tab = (name: string) => {
    const s = new DexieStore({ name, ...deps });
    stores.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  it('lets exactly one of two racing tabs lease a run; release lets the other in', async () => {
    const name = uniqueDbName();
    const a = tab(name);
    const b = tab(name);
    const [la, lb] = await Promise.all([
      a.acquireLease('r1', 'tab-a', 30_000),
      b.acquireLease('r1', 'tab-b', 30_000),
    ]);
    expect([la, lb].filter(Boolean)).toHaveLength(1);
    const winner = (la ?? lb)!;
    const loser = la ? b : a;
    const loserOwner = la ? 'tab-b' : 'tab-a';
    expect(await loser.acquireLease('r1', loserOwner, 30_000)).toBeUndefined();
    await winner.release();
    const next = await loser.acquireLease('r1', loserOwner, 30_000);
    expect(next?.owner).toBe(loserOwner);
    await next!.release();
  });

  it('frees the lock when the holding tab goes away', async () => {
    const name = uniqueDbName();
    const a = tab(name);
    const b = tab(name);
    expect(await a.acquireLease('r1', 'tab-a', 30_000)).toBeDefined();
    expect(await b.acquireLease('r1', 'tab-b', 30_000)).toBeUndefined();
    await a.close();
    expect((await b.acquireLease('r1', 'tab-b', 30_000))?.owner).toBe('tab-b');
  });

  it('does not share locks between databases', async () => {
    const a = tab(uniqueDbName());
    const b = tab(uniqueDbName());
    expect(await a.acquireLease('r1', 'tab-a', 30_000)).toBeDefined();
    expect(await b.acquireLease('r1', 'tab-b', 30_000)).toBeDefined();
  });
});
