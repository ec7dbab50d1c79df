/**
 * The in-page half of the run-view benchmark (bundled by esbuild: @afk/react's components
 * against afk's built dist; served and driven by `../run-view-chromium.ts`). It installs
 * `globalThis.afkRunViewBench`: `seed` writes a synthetic run of N events straight into a
 * DexieStore (the events of one real tool round trip, repeated), `open` mounts the run view (the
 * timeline's span tree and waterfall, the inspector and the step chart, read live through
 * `useRun`) and times it until the rows are painted, `interact` scrolls and zooms it frame by
 * frame and reports the longest frame.
 */
import { AfkProvider, RunTimeline, SpanInspector, StepChart, useRun } from '@afk/react';
import { Agent } from 'afk/agents';
import { foldRun, type RunEvent, Runner } from 'afk/core';
import { Debugger, layoutTimeline } from 'afk/debugger';
import { scripted } from 'afk/llms';
import { DexieStore, InMemoryStore, type RunRecord, type RunSnapshot, SNAPSHOT_VERSION } from 'afk/memory';
import { tool } from 'afk/tools';
import { useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { z } from 'zod';

export interface SeedFigures {
  runId: string;
  events: number;
  spans: number;
  seedMs: number;
}

export interface OpenFigures {
  /**
   * From mounting to the frame after the first timeline rows are in the DOM: painted and
   * interactive (a long run may still be loading its later events then).
   */
  firstRenderMs: number;
  /** From mounting to the frame after the complete timeline is painted (no loading indicator). */
  completeMs: number;
  /** Events in the first timeline rendered (all of them when it was complete at once). */
  firstEvents: number;
  rows: number;
  /** The longest frame (rAF gap) between the first render and the complete timeline. */
  loadMaxFrameMs: number;
}

export interface InteractFigures {
  frames: number;
  scrollMaxFrameMs: number;
  scrollP95FrameMs: number;
  zoomMaxFrameMs: number;
  zoomP95FrameMs: number;
}

const add = tool({
  name: 'add',
  description: 'Add',
  args: z.object({ a: z.number(), b: z.number() }),
  run: ({ a, b }) => a + b,
  effects: 'pure',
});

/** One real run with a tool round trip: its events are the template of the synthetic run. */
async function template(): Promise<{ events: RunEvent[]; record: RunRecord }> {
  const store = new InMemoryStore();
  const model = scripted([
    {
      toolCalls: [
        { id: 'c1', name: 'add', args: { a: 1, b: 2 } },
        { id: 'c2', name: 'add', args: { a: 3, b: 4 } },
      ],
      usage: { inputTokens: 40, outputTokens: 8 },
    },
    { text: 'done', usage: { inputTokens: 60, outputTokens: 2 } },
  ]);
  const r = await new Runner({ store }).run(new Agent({ name: 'bench', model, tools: [add] }), {
    userMessage: 'add',
  });
  const record = await store.getRun(r.runId);
  if (!record) throw new Error('template run has no record');
  return { events: await store.readEvents(r.runId), record };
}

/** Writes a run of about `events` events: the template's first step repeated, then its end. */
async function seed(opts: { db: string; events: number }): Promise<SeedFigures> {
  const t0 = performance.now();
  const { events: tpl, record } = await template();
  const stepAt = tpl.findIndex((e) => e.type === 'step_started');
  const step2 = tpl.findIndex((e, i) => i > stepAt && e.type === 'step_started');
  const head = tpl.slice(0, stepAt);
  const block = tpl.slice(stepAt, step2);
  const tail = tpl.slice(step2);
  const steps = Math.max(1, Math.round((opts.events - head.length - tail.length) / block.length));
  const runId = `run_bench_${opts.events}`;
  const threadId = `thread_bench_${opts.events}`;
  const base = Date.now() - opts.events * 2;
  const store = new DexieStore({ name: opts.db });
  let seq = 0;
  const out: RunEvent[] = [];
  const push = (e: RunEvent, step: number | undefined) => {
    const copy = structuredClone(e) as RunEvent & { step?: number };
    copy.runId = runId;
    copy.threadId = threadId;
    copy.seq = seq;
    copy.ts = base + seq * 2;
    if (step !== undefined) {
      copy.step = step;
      if (copy.type === 'step_started') (copy.data as { step: number }).step = step;
    }
    if (copy.type === 'run_started') (copy.data as { rootRunId: string }).rootRunId = runId;
    out.push(copy);
    seq++;
  };
  for (const e of head) push(e, undefined);
  for (let s = 1; s <= steps; s++) for (const e of block) push(e, s);
  for (const e of tail) push(e, e.step === undefined ? undefined : steps + 1);
  const last = out[out.length - 1] as RunEvent;
  if (last.type === 'run_completed') {
    const result = (last.data as { result: { runId: string; threadId: string } }).result;
    result.runId = runId;
    result.threadId = threadId;
  }
  const run: RunRecord = {
    ...record,
    runId,
    threadId,
    rootRunId: runId,
    startedAt: base,
    updatedAt: base + seq * 2,
    lastSeq: seq - 1,
    ...(record.result ? { result: { ...record.result, runId, threadId } } : {}),
  };
  // A finished run ends with its final snapshot (as the runner writes it): the inspector's
  // "conversation at this span" for the root reads that, not the whole log.
  const finalState: RunSnapshot['state'] = JSON.parse(JSON.stringify(foldRun(out)));
  const BATCH = 5000;
  for (let i = 0; i < out.length; i += BATCH) {
    const events = out.slice(i, i + BATCH);
    const done = i + BATCH >= out.length;
    const lastSeq = (events[events.length - 1] as RunEvent).seq;
    await store.write({
      events,
      run: { ...run, lastSeq, ...(done ? {} : { status: 'running' }) },
      ...(done
        ? {
            snapshot: {
              runId,
              threadId,
              seq: lastSeq,
              version: SNAPSHOT_VERSION,
              createdAt: Date.now(),
              state: finalState,
            },
          }
        : {}),
    });
  }
  await store.close();
  return { runId, events: out.length, spans: 2 + steps * 4 + 2, seedMs: performance.now() - t0 };
}

let root: Root | undefined;
let host: HTMLDivElement | undefined;

function RunView({ runId }: { runId: string }) {
  const run = useRun(runId);
  const [spanId, setSpanId] = useState<string>();
  if (run.status !== 'ok' || !run.data) return <p>loading</p>;
  const tl = run.data.timeline;
  const selected = spanId ? undefined : tl.root;
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
      <div style={{ display: 'grid', gridTemplateColumns: 'minmax(0,1fr) 380px', height: 560, gap: 8 }}>
        <RunTimeline
          timeline={tl}
          selectedSpanId={spanId ?? tl.root.id}
          onSelect={(s) => setSpanId(s.id)}
          fill
        />
        <SpanInspector span={selected} timeline={tl} />
      </div>
      <StepChart timeline={tl} selectedSpanId={spanId} onSelect={(s) => setSpanId(s.id)} />
    </div>
  );
}

const frame = () => new Promise<number>((r) => requestAnimationFrame(r));

/** Mounts the run view over a fresh store instance and times it to the first painted rows. */
async function open(opts: { db: string; runId: string }): Promise<OpenFigures> {
  root?.unmount();
  host?.remove();
  host = document.createElement('div');
  host.style.cssText = 'width: 1400px;';
  document.body.append(host);
  const store = new DexieStore({ name: opts.db });
  const t0 = performance.now();
  root = createRoot(host);
  root.render(
    <AfkProvider store={store}>
      <RunView runId={opts.runId} />
    </AfkProvider>,
  );
  const el = host;
  const loadingText = () => el.querySelector('[data-testid="timeline-loading"]')?.textContent ?? undefined;
  let firstRenderMs = 0;
  let firstEvents = 0;
  let rows = 0;
  for (;;) {
    await frame();
    rows = el.querySelectorAll('[data-testid="span-row"]').length;
    if (rows > 0) {
      // The frame after the commit: the rows have been laid out and painted.
      const text = loadingText();
      await frame();
      firstRenderMs = performance.now() - t0;
      firstEvents = text ? Number(/loading ([\d,]+)/.exec(text)?.[1]?.replace(/,/g, '') ?? 0) : -1;
      break;
    }
    if (performance.now() - t0 > 60_000) throw new Error('the timeline did not render in 60 s');
  }
  let loadMaxFrameMs = 0;
  let prev = performance.now();
  while (loadingText() !== undefined) {
    const now = await frame();
    loadMaxFrameMs = Math.max(loadMaxFrameMs, now - prev);
    prev = now;
    if (performance.now() - t0 > 120_000) throw new Error('the timeline did not complete in 120 s');
  }
  await frame();
  const completeMs = performance.now() - t0;
  // Let the inspector's own read settle, so the next open does not queue behind it.
  while (el.querySelector('.afk-empty')?.textContent === 'Loading…') {
    await frame();
    if (performance.now() - t0 > 180_000) throw new Error('the inspector did not settle in 180 s');
  }
  return { firstRenderMs, completeMs, firstEvents, rows, loadMaxFrameMs };
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(0.95 * s.length))] ?? 0;
}

/** Scrolls the open timeline and zooms it, one input per frame, and times every frame. */
async function interact(opts: { frames: number }): Promise<InteractFigures> {
  const body = host?.querySelector<HTMLElement>('.afk-timeline-body');
  if (!body) throw new Error('no timeline open');
  const measure = async (input: (i: number) => void): Promise<number[]> => {
    const gaps: number[] = [];
    let prev = await frame();
    for (let i = 0; i < opts.frames; i++) {
      input(i);
      const now = await frame();
      gaps.push(now - prev);
      prev = now;
    }
    return gaps;
  };
  const scroll = await measure((i) => {
    // Jumps across the whole list (the worst case for a virtualised list), not a smooth scroll.
    body.scrollTop = ((body.scrollHeight - body.clientHeight) * ((i * 37) % 100)) / 100;
  });
  const rect = body.getBoundingClientRect();
  const zoom = await measure((i) => {
    body.dispatchEvent(
      new WheelEvent('wheel', {
        deltaY: i % 20 < 10 ? -120 : 120,
        ctrlKey: true,
        bubbles: true,
        cancelable: true,
        clientX: rect.left + rect.width * 0.7,
        clientY: rect.top + 100,
      }),
    );
  });
  return {
    frames: opts.frames,
    scrollMaxFrameMs: Math.max(...scroll),
    scrollP95FrameMs: p95(scroll),
    zoomMaxFrameMs: Math.max(...zoom),
    zoomP95FrameMs: p95(zoom),
  };
}

/** Where the first render's time goes: the store read, the span tree, the fold, the row layout. */
async function probe(opts: { db: string; runId: string }): Promise<Record<string, number>> {
  const store = new DexieStore({ name: opts.db });
  const dbg = new Debugger({ store });
  const out: Record<string, number> = {};
  let t = performance.now();
  const lap = (k: string) => {
    const now = performance.now();
    out[k] = now - t;
    t = now;
  };
  await store.getRun(opts.runId);
  lap('getRun');
  await store.readEvents(opts.runId);
  lap('readEvents');
  const tl = await dbg.timeline(opts.runId);
  lap('timeline');
  layoutTimeline(tl, {});
  lap('layout');
  await dbg.stateAt(opts.runId, tl.root.toSeq ?? 0);
  lap('stateAt');
  await store.close();
  return out;
}

(globalThis as unknown as { afkRunViewBench: unknown }).afkRunViewBench = {
  probe,
  seed,
  open,
  interact,
  userAgent: navigator.userAgent,
};
