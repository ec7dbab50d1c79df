/**
 * The devtools run view in Chromium: time to first render of the timeline of a 10,000-event and
 * a 100,000-event run (read from IndexedDB through `useRun`, the span tree built, the rows
 * painted), and the longest frame while scrolling and zooming it.
 *
 * `src/run-view-chromium/page.tsx` is bundled by esbuild (@afk/react's components, React in
 * production mode, afk from its built `dist`), served from a throwaway http server on 127.0.0.1
 * and driven in headless Chromium (`/usr/bin/chromium` or `CHROMIUM_PATH`) through
 * playwright-core. The runs are synthetic: one real tool round trip's events, repeated, written
 * straight into a DexieStore. Without Chromium every figure is reported unmeasured.
 *
 * Registered in `index.ts` as the optional suite `run-view-chromium` (`runRunViewBench()`).
 */
import { existsSync } from 'node:fs';
import { bundleBenchPage, CHROMIUM_ARGS, serveBenchPage } from './chromium-page.js';
import type { InteractFigures, OpenFigures, SeedFigures } from './run-view-chromium/page.js';
import { fmt, median } from './stats.js';
import { type SuiteContext, type SuiteResult, skippedSuite, type Target, target } from './suite.js';

const ID = 'run-view-chromium';
const TITLE = 'Devtools run view in Chromium';
/** From the issue: first render ≤ 300 ms (10k events), ≤ 1 s (100k), longest frame ≤ 50 ms. */
const LIMITS = { 10000: 300, 100000: 1000 } as const;
const FRAME_LIMIT_MS = 50;

interface SizeResult {
  events: number;
  seed: SeedFigures;
  opens: OpenFigures[];
  firstRenderMs: number;
  completeMs: number;
  interact: InteractFigures;
}

function targets(results: SizeResult[] | null): Target[] {
  const by = (n: number) => results?.find((r) => r.events >= n * 0.9 && r.events <= n * 1.1);
  const worstFrame = results?.length
    ? Math.max(...results.flatMap((r) => [r.interact.scrollMaxFrameMs, r.interact.zoomMaxFrameMs]))
    : null;
  return [
    ...([10_000, 100_000] as const).map((n) =>
      target({
        id: `runview.first_render.e${n}`,
        description: `run view: first render of the timeline of a ${n.toLocaleString('en-US')}-event run (IndexedDB → first rows painted and interactive, median)`,
        actual: by(n)?.firstRenderMs ?? null,
        limit: LIMITS[n],
        comparison: '<=',
        unit: 'ms',
      }),
    ),
    target({
      id: 'runview.longest_frame',
      description: 'run view: longest frame while scrolling and zooming (worse of both runs)',
      actual: worstFrame,
      limit: FRAME_LIMIT_MS,
      comparison: '<=',
      unit: 'ms',
    }),
  ];
}

/** How many events the first render showed: a number while loading, else the whole run. */
function firstEventsLabel(r: SizeResult): string {
  const firsts = r.opens.map((o) => o.firstEvents);
  if (firsts.every((n) => n < 0)) return 'all';
  return median(firsts.map((n) => (n < 0 ? r.events : n))).toLocaleString('en-US');
}

function skipped(reason: string): SuiteResult {
  return skippedSuite(ID, TITLE, targets(null), reason);
}

type Api = {
  probe(o: { db: string; runId: string }): Promise<Record<string, number>>;
  seed(o: { db: string; events: number }): Promise<SeedFigures>;
  open(o: { db: string; runId: string }): Promise<OpenFigures>;
  interact(o: { frames: number }): Promise<InteractFigures>;
};

/** Runs the suite (see the file comment). */
export async function runRunViewBench(ctx: SuiteContext): Promise<SuiteResult> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) return skipped(`no Chromium at ${executablePath} (set CHROMIUM_PATH)`);
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (error) {
    return skipped(
      `playwright-core is not installed (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const files = await bundleBenchPage('run-view-chromium');
  const { server, url } = await serveBenchPage(files, 'afk run view bench');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => 'afkRunViewBench' in globalThis, undefined, { timeout: 30_000 });
    const call = <K extends keyof Api>(fn: K, arg: Parameters<Api[K]>[0]) =>
      page.evaluate(
        ([name, a]) =>
          (
            globalThis as unknown as { afkRunViewBench: Record<string, (x: unknown) => Promise<unknown>> }
          ).afkRunViewBench[name as string]?.(a),
        [fn, arg] as const,
      ) as Promise<Awaited<ReturnType<Api[K]>>>;
    const reps = ctx.quick ? 2 : 5;
    const results: SizeResult[] = [];
    for (const n of [10_000, 100_000]) {
      const db = `afk-runview-bench-${n}`;
      const seed = await call('seed', { db, events: n });
      ctx.log(`  seeded ${seed.events.toLocaleString('en-US')} events in ${fmt(seed.seedMs, 0)} ms`);
      if (process.env.AFK_BENCH_PROBE)
        ctx.log(`  probe: ${JSON.stringify(await call('probe', { db, runId: seed.runId }))}`);
      const opens: OpenFigures[] = [];
      // One warm-up open (code compiled, IndexedDB opened once), then the timed ones.
      await call('open', { db, runId: seed.runId });
      for (let i = 0; i < reps; i++) opens.push(await call('open', { db, runId: seed.runId }));
      const interact = await call('interact', { frames: ctx.quick ? 60 : 120 });
      const firstRenderMs = median(opens.map((o) => o.firstRenderMs));
      const completeMs = median(opens.map((o) => o.completeMs));
      ctx.log(
        `  ${n}: first render ${fmt(firstRenderMs, 0)} ms, complete ${fmt(completeMs, 0)} ms, longest frame ${fmt(Math.max(interact.scrollMaxFrameMs, interact.zoomMaxFrameMs), 1)} ms`,
      );
      results.push({ events: seed.events, seed, opens, firstRenderMs, completeMs, interact });
    }
    if (errors.length) throw new Error(`the bench page failed: ${errors.join('; ')}`);
    return {
      id: ID,
      title: TITLE,
      tables: [
        {
          title: 'Run view (timeline + inspector + step chart) over DexieStore',
          columns: [
            'events',
            'spans',
            'first render (median)',
            'min',
            'max',
            'events in first render',
            'complete (median)',
            'longest frame while loading',
            'scroll max frame',
            'scroll p95',
            'zoom max frame',
            'zoom p95',
          ],
          rows: results.map((r) => [
            r.events.toLocaleString('en-US'),
            r.seed.spans.toLocaleString('en-US'),
            `${fmt(r.firstRenderMs, 0)} ms`,
            `${fmt(Math.min(...r.opens.map((o) => o.firstRenderMs)), 0)} ms`,
            `${fmt(Math.max(...r.opens.map((o) => o.firstRenderMs)), 0)} ms`,
            firstEventsLabel(r),
            `${fmt(r.completeMs, 0)} ms`,
            `${fmt(Math.max(...r.opens.map((o) => o.loadMaxFrameMs)), 1)} ms`,
            `${fmt(r.interact.scrollMaxFrameMs, 1)} ms`,
            `${fmt(r.interact.scrollP95FrameMs, 1)} ms`,
            `${fmt(r.interact.zoomMaxFrameMs, 1)} ms`,
            `${fmt(r.interact.zoomP95FrameMs, 1)} ms`,
          ]),
        },
      ],
      targets: targets(results),
      data: { results, reps },
      notes: [
        'First render: mount → useRun reads the run record and the first chunk of its log from IndexedDB (fresh DexieStore instance, structural display read), folds it into a partial span tree, and the virtualised rows are committed and painted (the frame after) — the rows are interactive then; a long run shows "loading N / M events" meanwhile.',
        'Complete: mount → the whole log read and folded in slices (the loading indicator gone), the complete timeline painted; "longest frame while loading" is the longest rAF gap in between.',
        'Frames: requestAnimationFrame intervals while the list jumps to a new scroll position every frame, then while ctrl+wheel zooms in and out every frame.',
      ],
    };
  } finally {
    await browser.close();
    server.close();
  }
}
