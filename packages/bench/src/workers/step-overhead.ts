/**
 * Per-step overhead of the durable stores side by side, in this Node process: the same run
 * (a zero-latency scripted model asking for one pure no-op tool per step, N steps, then text)
 * on InMemoryStore (the floor), DexieStore on fake-indexeddb (IndexedDB in Node: the Dexie code
 * path, not a browser's IndexedDB — the `dexie-chromium` suite measures that in Chromium),
 * PostgresStore on the bench's PostgreSQL server (node-postgres over loopback) and
 * PostgresStore.embedded (PGlite, a data directory on disk).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'afk/agents';
import { Runner } from 'afk/core';
import { scripted } from 'afk/llms';
import { DexieStore, InMemoryStore, type MemoryStore } from 'afk/memory';
import { PostgresStore } from 'afk/memory/postgres';
import { tool } from 'afk/tools';
import { z } from 'zod';
import type { PgServer } from './servers.js';

export type StoreId = 'memory' | 'dexie-fake-indexeddb' | 'postgres-server' | 'pglite';

export interface StepCell {
  store: StoreId;
  steps: number;
  /** µs per step of each timed run. */
  samplesUsPerStep: number[];
  medianUsPerStep: number;
  /** Median µs per step the run spent with a store call in flight. */
  medianStoreUsPerStep: number;
}

export interface StepPlan {
  steps: number;
  warmups: number;
  reps: number;
}

/** A store and how much of the wall time it was busy (overlapping calls counted once). */
function timed(store: MemoryStore): { store: MemoryStore; busyMs: () => number } {
  let busy = 0;
  let inFlight = 0;
  let since = 0;
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        const start = performance.now();
        const out = (v as (...a: unknown[]) => unknown).apply(target, args);
        if (!out || typeof (out as Promise<unknown>).then !== 'function') return out;
        if (inFlight++ === 0) since = start;
        const done = () => {
          if (--inFlight === 0) busy += performance.now() - since;
        };
        (out as Promise<unknown>).then(done, done);
        return out;
      };
    },
  });
  return { store: proxy, busyMs: () => busy };
}

async function oneRun(store: MemoryStore, steps: number): Promise<{ ms: number; storeMs: number }> {
  const noop = tool({
    name: 'noop',
    description: 'no-op',
    args: z.object({}),
    effects: 'pure',
    run: async () => 'ok',
  });
  const model = scripted(
    (_r, i) => (i < steps ? { toolCalls: [{ name: 'noop', args: {} }] } : { text: 'done' }),
    {
      keepRequests: false,
    },
  );
  const agent = new Agent({
    name: 'bench',
    model,
    tools: [noop],
    failSafe: { maxSteps: steps + 5, maxLlmCalls: steps + 5, maxToolCalls: steps + 5 },
  });
  const t = timed(store);
  const runner = new Runner({ store: t.store });
  globalThis.gc?.();
  const start = performance.now();
  const r = await runner.run(agent, { userMessage: 'go' });
  const ms = performance.now() - start;
  if (r.state !== 'completed' || r.finalText !== 'done' || model.calls !== steps + 1)
    throw new Error(`step-overhead run ended ${r.state} after ${model.calls} model calls`);
  return { ms, storeMs: t.busyMs() };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Opens every store it can; the ones it cannot are returned with the reason. */
async function openStores(
  pg: PgServer | undefined,
  dir: string,
): Promise<{
  stores: Array<{ id: StoreId; store: MemoryStore }>;
  missing: Array<{ id: StoreId; why: string }>;
}> {
  const stores: Array<{ id: StoreId; store: MemoryStore }> = [{ id: 'memory', store: new InMemoryStore() }];
  const missing: Array<{ id: StoreId; why: string }> = [];
  try {
    const fake = await import('fake-indexeddb');
    stores.push({
      id: 'dexie-fake-indexeddb',
      store: new DexieStore({
        name: `bench-steps-${process.pid}`,
        indexedDB: fake.indexedDB,
        IDBKeyRange: fake.IDBKeyRange,
        leases: 'table',
        broadcast: false,
      }),
    });
  } catch (e) {
    missing.push({ id: 'dexie-fake-indexeddb', why: e instanceof Error ? e.message : String(e) });
  }
  if (pg) {
    const s = new PostgresStore({ connectionString: pg.connectionString(), schema: 'bench_steps', max: 4 });
    await s.open();
    stores.push({ id: 'postgres-server', store: s });
  } else missing.push({ id: 'postgres-server', why: 'no PostgreSQL server' });
  try {
    const s = PostgresStore.embedded({ dataDir: join(dir, 'pglite') });
    await s.open();
    stores.push({ id: 'pglite', store: s });
  } catch (e) {
    missing.push({ id: 'pglite', why: e instanceof Error ? e.message : String(e) });
  }
  return { stores, missing };
}

/** Interleaves the stores rep by rep, so drift spreads evenly; closes what it opened. */
export async function measureStepOverhead(
  pg: PgServer | undefined,
  plan: StepPlan,
  log: (m: string) => void,
): Promise<{ cells: StepCell[]; missing: Array<{ id: StoreId; why: string }> }> {
  const dir = mkdtempSync(join(tmpdir(), 'afk-bench-steps-'));
  const { stores, missing } = await openStores(pg, dir);
  try {
    const samples = new Map<StoreId, Array<{ ms: number; storeMs: number }>>(stores.map((s) => [s.id, []]));
    for (let rep = 0; rep < plan.warmups + plan.reps; rep++) {
      for (let k = 0; k < stores.length; k++) {
        const { id, store } = stores[(k + rep) % stores.length]!;
        const out = await oneRun(store, plan.steps);
        if (rep >= plan.warmups) samples.get(id)!.push(out);
      }
      log(`    step overhead rep ${rep + 1}/${plan.warmups + plan.reps}`);
    }
    const cells = stores.map(({ id }) => {
      const s = samples.get(id)!;
      const us = s.map((x) => (x.ms * 1000) / plan.steps);
      return {
        store: id,
        steps: plan.steps,
        samplesUsPerStep: us.map((x) => Math.round(x * 10) / 10),
        medianUsPerStep: median(us),
        medianStoreUsPerStep: median(s.map((x) => (x.storeMs * 1000) / plan.steps)),
      };
    });
    return { cells, missing };
  } finally {
    for (const { store } of stores)
      await (store as { close?: () => Promise<void> }).close?.().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
