import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { Runner } from '../core/runner.js';
import { isAfkError } from '../errors/index.js';
import type { RunEvent } from '../events/run-event.js';
import { scripted } from '../llms/providers/scripted.js';
import { dexieHarness } from '../memory/test-support/dexie-harness.js';
import { tool } from '../tools/tool.js';
import { Debugger } from './debugger.js';
import type { TimelineProgress } from './timeline-loader.js';

const add = tool({
  name: 'add',
  description: 'Add',
  args: z.object({ a: z.number(), b: z.number() }),
  effects: 'pure',
  run: async ({ a, b }) => a + b,
});

/** A real run of `rounds` tool round trips in a DexieStore over fake-indexeddb. */
async function seededRun(rounds: number) {
  const h = dexieHarness({ indexedDB, IDBKeyRange });
  const model = scripted([
    ...Array.from({ length: rounds }, (_, i) => ({
      toolCalls: [{ id: `c${i}`, name: 'add', args: { a: i, b: 1 } }],
    })),
    { text: 'done' },
  ]);
  const agent = new Agent({ name: 'calc', model, tools: [add], failSafe: { maxSteps: rounds + 5 } });
  const r = await new Runner({ store: h.store }).run(agent, { userMessage: 'go' });
  return { h, runId: r.runId };
}

async function collect(it: AsyncIterable<TimelineProgress>): Promise<TimelineProgress[]> {
  const out: TimelineProgress[] = [];
  for await (const p of it) out.push(p);
  return out;
}

describe('the run view read path', () => {
  it('reads a store’s own rows structurally to the same events as the full parse', async () => {
    const { h, runId } = await seededRun(3);
    const full = await h.store.readEvents(runId);
    const display = await h.store.readEvents(runId, { validate: 'structural' });
    expect(display).toEqual(full);
    expect(await h.store.readEvents(runId, { fromSeq: 2, limit: 3, validate: 'structural' })).toEqual(
      full.slice(2, 5),
    );
  });

  it('still refuses a corrupt or foreign row as row_corrupt, naming it, and leaves it in place', async () => {
    const { h, runId } = await seededRun(1);
    const events = await h.store.readEvents(runId);
    const bad = { ...(events[2] as RunEvent), type: 'not_an_event' };
    await h.putRaw?.('events', bad);
    const err = await h.store.readEvents(runId, { validate: 'structural' }).catch((e: unknown) => e);
    expect(isAfkError(err) && err.code).toBe('row_corrupt');
    expect(String((err as Error).message)).toContain(`events[["${runId}",2]]`);
    expect(await h.getRaw?.('events', [runId, 2])).toEqual(bad);
    const tl = await new Debugger({ store: h.store }).timeline(runId).catch((e: unknown) => e);
    expect(isAfkError(tl) && tl.code).toBe('row_corrupt');
    const loaded = await collect(new Debugger({ store: h.store }).loadTimeline(runId)).catch(
      (e: unknown) => e,
    );
    expect(isAfkError(loaded) && loaded.code).toBe('row_corrupt');
  });

  it('names a row with a right envelope but malformed data (the fold trips, the full read names it)', async () => {
    const { h, runId } = await seededRun(1);
    const events = await h.store.readEvents(runId);
    const i = events.findIndex((e) => e.type === 'llm_completed');
    await h.putRaw?.('events', { ...(events[i] as RunEvent), data: { response: 'nope' } });
    const dbg = new Debugger({ store: h.store });
    const err = await dbg.timeline(runId).catch((e: unknown) => e);
    expect(isAfkError(err) && err.code).toBe('row_corrupt');
    expect(String((err as Error).message)).toContain(`events[["${runId}",${i}]]`);
    const loaded = await collect(dbg.loadTimeline(runId, { firstChunk: 2, chunk: 3 })).catch(
      (e: unknown) => e,
    );
    expect(isAfkError(loaded) && loaded.code).toBe('row_corrupt');
  });

  it('loads a run in chunks: partial timelines with progress, then the same timeline as a one-shot read', async () => {
    const { h, runId } = await seededRun(12);
    const dbg = new Debugger({ store: h.store });
    const whole = await dbg.timeline(runId);
    const steps = await collect(dbg.loadTimeline(runId, { firstChunk: 5, chunk: 7, sliceMs: 0 }));
    const record = await h.store.getRun(runId);
    expect(steps.length).toBeGreaterThan(3);
    const [first, ...rest] = steps;
    expect(first?.done).toBe(false);
    expect(first?.timeline.loading).toEqual({
      loaded: 5,
      total: (record?.lastSeq ?? 0) + 1,
      untilTs: record?.updatedAt,
    });
    expect(first?.timeline.root.children.length).toBeGreaterThan(0);
    // A finished run does not look running while its log loads: the record says how it ended.
    expect(first?.timeline.root.status).toBe('ok');
    expect(first?.timeline.state).toBe('completed');
    const loaded = steps.map((s) => s.timeline.loading?.loaded ?? s.events.length);
    expect([...loaded].sort((a, b) => a - b)).toEqual(loaded);
    const last = rest[rest.length - 1] as TimelineProgress;
    expect(last.done).toBe(true);
    expect(last.timeline.loading).toBeUndefined();
    expect(last.timeline).toEqual(whole);
    // One array for the whole load, appended to, never copied.
    expect(steps.every((s) => s.events === last.events)).toBe(true);
    expect(last.events).toEqual(await h.store.readEvents(runId));
  });

  it('reports a run that is not there as not_found', async () => {
    const { h } = await seededRun(1);
    const err = await collect(new Debugger({ store: h.store }).loadTimeline('nope')).catch((e: unknown) => e);
    expect(isAfkError(err) && err.code).toBe('not_found');
  });
});
