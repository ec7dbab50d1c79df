/**
 * The devtools UI figures: (a) the runs list's first render with 10,000 runs in a DexieStore, in
 * headless Chromium (`src/devtools-ui/page.tsx`, bundled by esbuild: React production, @afk/react
 * from source, afk from its dist); (b) what `<AfkDevtools />` adds to a host's initial bundle and
 * the size of its lazy panel, beside `@tanstack/react-query-devtools` measured the same way
 * (`src/devtools-bundle/measure.ts`).
 *
 * Registered in `index.ts` as the optional suite `devtools-ui`.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { measureDevtoolsBundle, readCssInlined } from './devtools-bundle/measure.js';
import type { RenderFigures } from './devtools-ui/page.js';
import { fmt, median } from './stats.js';
import { type SuiteContext, type SuiteResult, type Table, target } from './suite.js';

const here = dirname(fileURLToPath(import.meta.url));
const benchRoot = join(here, '..');
const afkDist = join(benchRoot, '..', 'afk', 'dist');

const ID = 'devtools-ui';
const TITLE = 'Devtools UI (runs list in Chromium, panel bundle)';
const RUNS = 10_000;
/** Targets from the issue: first render ≤ 300 ms with 10,000 runs; ≤ 5 KB gzip added before the panel opens. */
const RENDER_LIMIT_MS = 300;
const INITIAL_LIMIT_KB = 5;

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--no-first-run',
];

const inlineCss: Plugin = {
  name: 'inline-css',
  setup(b) {
    b.onResolve({ filter: /\.css\?inline$/ }, (args) => ({
      path: resolve(args.resolveDir, args.path.replace(/\?inline$/, '')),
      namespace: 'inline-css',
    }));
    b.onLoad({ filter: /.*/, namespace: 'inline-css' }, async (args) => ({
      contents: await readCssInlined(args.path),
      loader: 'text',
    }));
  },
};

async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [join(here, 'devtools-ui', 'page.tsx')],
    absWorkingDir: benchRoot,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    logLevel: 'silent',
    plugins: [inlineCss],
  });
  return result.outputFiles[0]!.text;
}

function serve(bundle: string): Promise<{ server: Server; url: string }> {
  const html =
    '<!doctype html><meta charset="utf-8"><title>afk runs list bench</title><body style="margin:0"><script type="module" src="/bench.js"></script>';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
    } else if (path === '/bench.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      res.end(bundle);
    } else res.writeHead(404).end();
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () =>
      ok({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }),
    );
  });
}

interface RenderResult {
  cold: RenderFigures[];
  warm: RenderFigures[];
  seedMs: number;
  chrome: string;
}

async function measureRender(ctx: SuiteContext): Promise<RenderResult | string> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) return `no Chromium at ${executablePath} (set CHROMIUM_PATH)`;
  if (!existsSync(join(afkDist, 'memory', 'index.js')))
    return `${afkDist} is missing: run \`npm run build -w afk\` first`;
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    return `playwright-core is not installed (${e instanceof Error ? e.message : String(e)})`;
  }
  ctx.log('  bundling the runs-list page');
  const { server, url } = await serve(await bundlePage());
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(
      () => (globalThis as { afkRunsBench?: unknown }).afkRunsBench !== undefined,
      null,
      { timeout: 15_000 },
    );
    const chrome = /Chrome\/([\d.]+)/.exec(await page.evaluate(() => navigator.userAgent))?.[1] ?? '?';
    ctx.log(`  seeding ${RUNS.toLocaleString('en-US')} runs`);
    const t0 = Date.now();
    await page.evaluate(
      (n) =>
        (globalThis as unknown as { afkRunsBench: { seed(n: number): Promise<number> } }).afkRunsBench.seed(
          n,
        ),
      RUNS,
    );
    const seedMs = Date.now() - t0;
    const reps = ctx.quick ? 3 : 7;
    const cold: RenderFigures[] = [];
    const warm: RenderFigures[] = [];
    const render = (fresh: boolean) =>
      page.evaluate(
        (f) =>
          (
            globalThis as unknown as {
              afkRunsBench: { firstRender(o: { fresh: boolean }): Promise<RenderFigures> };
            }
          ).afkRunsBench.firstRender({ fresh: f }),
        fresh,
      );
    await render(true); // warm-up (JIT, caches)
    if (process.env.AFK_BENCH_DEBUG)
      for (let i = 0; i < 3; i++)
        ctx.log(
          `  scan only: ${JSON.stringify(await page.evaluate(() => (globalThis as unknown as { afkRunsBench: { scanOnly(): Promise<unknown> } }).afkRunsBench.scanOnly()))}`,
        );
    for (let i = 0; i < reps; i++) {
      cold.push(await render(true));
      warm.push(await render(false));
    }
    if (process.env.AFK_BENCH_DEBUG) ctx.log(`  ${JSON.stringify({ cold, warm })}`);
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return { cold, warm, seedMs, chrome };
  } finally {
    await browser.close();
    server.close();
  }
}

export async function runDevtoolsUiBench(ctx: SuiteContext): Promise<SuiteResult> {
  const render = await measureRender(ctx);
  ctx.log('  bundling hosts with and without the panels');
  const bundle = await measureDevtoolsBundle();
  const notes: string[] = [];
  const tables: Table[] = [];
  let coldMs: number | null = null;
  if (typeof render === 'string') notes.push(`runs list render skipped: ${render}`);
  else {
    coldMs = median(render.cold.map((f) => f.ms));
    const warmMs = median(render.warm.map((f) => f.ms));
    tables.push({
      title: `Runs list first render, ${RUNS.toLocaleString('en-US')} runs in a DexieStore (Chromium ${render.chrome})`,
      columns: ['case', 'median ms', 'min ms', 'max ms', 'rows in DOM'],
      rows: [
        ['new store instance (opens the DB)', ...stats(render.cold)],
        ['store already open', ...stats(render.warm)],
        ['seeding 10,000 runs (bulk)', fmt(render.seedMs, 0), '', '', ''],
      ],
    });
    notes.push(
      `corrupt row shown as an error row: ${render.cold.every((f) => f.corruptShown) ? 'yes' : 'NO'}`,
    );
    void warmMs;
  }
  tables.push({
    title:
      "In-page devtools: added to a host's initial bundle and the lazy panel (esbuild, minified, gzip KB)",
    columns: ['', 'initial +KB', 'lazy KB', 'lazy chunks'],
    rows: [
      [
        '<AfkDevtools /> (@afk/react/devtools)',
        fmt(bundle.addedInitialGzipKB, 2),
        fmt(bundle.lazyGzipKB, 2),
        String(bundle.lazyChunks),
      ],
      [
        '<AfkDevtools enabled /> (production)',
        fmt(bundle.enabled.addedInitialGzipKB, 2),
        fmt(bundle.enabled.lazyGzipKB, 2),
        String(bundle.enabled.lazyChunks),
      ],
      [
        '<AfkDevtools /> via the @afk/react root',
        fmt(bundle.viaPackageRoot.addedInitialGzipKB, 2),
        fmt(bundle.viaPackageRoot.lazyGzipKB, 2),
        '',
      ],
      [
        `@tanstack/react-query-devtools ${bundle.reactQueryDevtools.version} (/production)`,
        fmt(bundle.reactQueryDevtools.addedInitialGzipKB, 2),
        fmt(bundle.reactQueryDevtools.lazyGzipKB, 2),
        String(bundle.reactQueryDevtools.lazyChunks),
      ],
    ],
  });
  return {
    id: ID,
    title: TITLE,
    tables,
    targets: [
      target({
        id: 'devtools.runs.first-render',
        description: `runs list first render with ${RUNS.toLocaleString('en-US')} runs (Chromium, median, DB opened)`,
        actual: coldMs === null ? null : Math.round(coldMs * 10) / 10,
        limit: RENDER_LIMIT_MS,
        comparison: '<=',
        unit: 'ms',
      }),
      target({
        id: 'devtools.panel.initial',
        description: '<AfkDevtools /> added to the host initial bundle before it opens',
        actual: bundle.addedInitialGzipKB,
        limit: INITIAL_LIMIT_KB,
        comparison: '<=',
        unit: 'KB gzip',
      }),
    ],
    data: { render, bundle },
    notes,
  };
}

function stats(fs: RenderFigures[]): string[] {
  const ms = fs.map((f) => f.ms);
  return [fmt(median(ms), 1), fmt(Math.min(...ms), 1), fmt(Math.max(...ms), 1), String(fs[0]?.domRows ?? 0)];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await runDevtoolsUiBench({
    quick: process.argv.includes('--quick'),
    log: (m) => process.stderr.write(`${m}\n`),
  });
  console.log(JSON.stringify({ tables: r.tables, targets: r.targets, notes: r.notes }, null, 2));
}
