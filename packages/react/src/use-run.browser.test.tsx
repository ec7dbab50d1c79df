import { Agent } from 'afk/agents';
import { type RunEvent, Runner } from 'afk/core';
import { scripted } from 'afk/llms';
import { DexieStore, InMemoryStore } from 'afk/memory';
import { tool } from 'afk/tools';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AfkProvider } from './context.js';
import { RunTimeline } from './RunTimeline.js';
import { type RunData, useRun } from './use-run.js';
import './styles.css';

const add = tool({
  name: 'add',
  description: 'Add',
  args: z.object({ a: z.number(), b: z.number() }),
  effects: 'pure',
  run: ({ a, b }) => a + b,
});

/** A real tool round trip's first step repeated `steps` times, written into IndexedDB. */
async function longRun(steps: number): Promise<{ store: DexieStore; runId: string; events: number }> {
  const mem = new InMemoryStore();
  const model = scripted([
    { toolCalls: [{ id: 'c1', name: 'add', args: { a: 1, b: 2 } }] },
    { text: 'done' },
  ]);
  const r = await new Runner({ store: mem }).run(new Agent({ name: 'long', model, tools: [add] }), {
    userMessage: 'add',
  });
  const tpl = await mem.readEvents(r.runId);
  const record = (await mem.getRun(r.runId))!;
  const s1 = tpl.findIndex((e) => e.type === 'step_started');
  const s2 = tpl.findIndex((e, i) => i > s1 && e.type === 'step_started');
  const out: RunEvent[] = [];
  const push = (e: RunEvent, step?: number) => {
    const c = structuredClone(e) as RunEvent & { step?: number };
    c.seq = out.length;
    c.ts = record.startedAt + out.length;
    if (step !== undefined) {
      c.step = step;
      if (c.type === 'step_started') c.data.step = step;
    }
    out.push(c);
  };
  for (const e of tpl.slice(0, s1)) push(e);
  for (let s = 1; s <= steps; s++) for (const e of tpl.slice(s1, s2)) push(e, s);
  for (const e of tpl.slice(s2)) push(e, e.step === undefined ? undefined : steps + 1);
  const store = new DexieStore({ name: `afk-use-run-${Date.now()}-${Math.random()}` });
  for (let i = 0; i < out.length; i += 2000) {
    const events = out.slice(i, i + 2000);
    await store.write({ events, run: { ...record, lastSeq: (events.at(-1) as RunEvent).seq } });
  }
  return { store, runId: r.runId, events: out.length };
}

let root: Root | undefined;
afterEach(() => {
  root?.unmount();
  root = undefined;
  document.body.innerHTML = '';
});

describe('useRun on a long run', () => {
  it('renders the first chunk with a loading indicator, then the complete timeline; events are one array', async () => {
    const { store, runId, events } = await longRun(700);
    expect(events).toBeGreaterThan(4000);
    const seen: RunData[] = [];
    function View() {
      const run = useRun(runId);
      if (run.status !== 'ok' || !run.data) return <p>{run.status}</p>;
      seen.push(run.data);
      return <RunTimeline timeline={run.data.timeline} fill />;
    }
    const host = document.createElement('div');
    host.style.cssText = 'width: 1000px; height: 500px;';
    document.body.append(host);
    root = createRoot(host);
    root.render(
      <AfkProvider store={store}>
        <View />
      </AfkProvider>,
    );
    // The first render is partial: rows on screen, and the progress says how far.
    await expect
      .poll(() => host.querySelector('[data-testid="timeline-loading"]'), { timeout: 20_000 })
      .not.toBeNull();
    const status = host.querySelector('[data-testid="timeline-loading"]') as HTMLElement;
    expect(status.getAttribute('role')).toBe('status');
    expect(status.textContent).toMatch(
      new RegExp(`loading [\\d,]+ / ${events.toLocaleString('en-US')} events`),
    );
    expect(host.querySelectorAll('[data-testid="span-row"]').length).toBeGreaterThan(0);
    // Then complete: no indicator, every event folded.
    await expect
      .poll(() => host.querySelector('[data-testid="timeline-loading"]'), { timeout: 30_000 })
      .toBeNull();
    const first = seen[0] as RunData;
    const last = seen.at(-1) as RunData;
    expect(first.timeline.loading?.loaded).toBe(1500);
    expect(last.timeline.loading).toBeUndefined();
    expect(last.timeline.eventCount).toBe(events);
    expect(last.events).toHaveLength(events);
    expect(seen.every((d) => d.events === last.events)).toBe(true);
    expect(host.querySelector('[data-testid="span-count"]')?.textContent).toContain(
      `${events.toLocaleString('en-US')} events`,
    );
    await store.close();
  });
});
