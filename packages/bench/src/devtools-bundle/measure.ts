/**
 * What `<AfkDevtools />` costs a host app: esbuild bundles a tiny React host with and without it
 * (minified, production React, code splitting on), then splits the output into the initial chunk
 * set (the entry and everything it imports statically) and the lazy chunks (reached only through
 * dynamic `import()`). Figures are gzip (level 9) KB of 1024 bytes.
 *
 *   node --import ./register.mjs src/devtools-bundle/measure.ts      # from packages/bench
 */
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..', '..', '..');
const outRoot = join(repo, 'packages', 'bench', 'node_modules', '.cache', 'afk-devtools-bundle');

/** `afk/*` from source (as the workspace's tsconfig paths do), so no build of packages/afk is needed. */
const afkFromSource: Plugin = {
  name: 'afk-from-source',
  setup(b) {
    b.onResolve({ filter: /^afk\/[a-z0-9-]+$/ }, (args) => ({
      path: join(repo, 'packages', 'afk', 'src', args.path.slice(4), 'index.ts'),
      // As packages/afk/package.json declares (esbuild reads it only for paths it resolves itself).
      sideEffects: false,
    }));
  },
};

/** A stylesheet with its relative `@import`s inlined (as Vite does for `?inline`). */
export async function readCssInlined(path: string, seen = new Set<string>()): Promise<string> {
  if (seen.has(path)) return '';
  seen.add(path);
  const text = await readFile(path, 'utf8');
  const parts: string[] = [];
  let last = 0;
  for (const m of text.matchAll(/@import\s+(?:url\()?["']([^"')]+)["']\)?\s*;/g)) {
    parts.push(text.slice(last, m.index));
    parts.push(await readCssInlined(resolve(dirname(path), m[1]!), seen));
    last = (m.index ?? 0) + m[0].length;
  }
  parts.push(text.slice(last));
  return parts.join('');
}

/** Vite's `?inline` CSS import: the stylesheet (its `@import`s inlined) as a string. */
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

export interface DevtoolsBundleFigures {
  baselineInitialGzipKB: number;
  withDevtoolsInitialGzipKB: number;
  /** What mounting `<AfkDevtools />` (from `@afk/react/devtools`) adds to the host's initial bundle. */
  addedInitialGzipKB: number;
  /** The panel chunks loaded on first open. */
  lazyGzipKB: number;
  lazyChunks: number;
  /**
   * The same host importing `AfkDevtools` and `AfkProvider` from `@afk/react` (the package root):
   * esbuild assigns whole files to chunks, so the components the root re-exports land in the
   * initial chunk although only the lazy panel uses them.
   */
  viaPackageRoot: { addedInitialGzipKB: number; lazyGzipKB: number };
  /** `<AfkDevtools enabled />` (rendered in production too): same figures. */
  enabled: { addedInitialGzipKB: number; lazyGzipKB: number; lazyChunks: number };
  /**
   * `@tanstack/react-query-devtools` (its `/production` entry, rendered) measured the same way,
   * against a React Query host without devtools.
   */
  reactQueryDevtools: { version: string; addedInitialGzipKB: number; lazyGzipKB: number; lazyChunks: number };
}

const gz = (bytes: Uint8Array) => gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).length;
const kb = (n: number) => Math.round((n / 1024) * 100) / 100;

async function bundle(entry: string): Promise<{ initial: number; lazy: number; lazyChunks: number }> {
  const outdir = join(outRoot, entry.replace(/\W/g, '_'));
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: [join(here, 'entries', entry)],
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    outdir,
    absWorkingDir: repo,
    metafile: true,
    write: false,
    logLevel: 'error',
    plugins: [afkFromSource, inlineCss],
  });
  const meta: Metafile = result.metafile;
  const sizes = new Map(result.outputFiles.map((f) => [f.path, gz(f.contents)]));
  const rel = (p: string) => resolve(repo, p);
  const entryOut = Object.entries(meta.outputs).find(([, o]) => o.entryPoint)?.[0];
  if (!entryOut) throw new Error(`no entry chunk for ${entry}`);
  // The initial set: the entry and the chunks it imports statically, transitively.
  const initial = new Set<string>();
  const visit = (out: string) => {
    if (initial.has(out)) return;
    initial.add(out);
    for (const imp of meta.outputs[out]?.imports ?? []) if (imp.kind === 'import-statement') visit(imp.path);
  };
  visit(entryOut);
  let initialBytes = 0;
  let lazyBytes = 0;
  let lazyChunks = 0;
  for (const out of Object.keys(meta.outputs)) {
    if (!out.endsWith('.js')) continue;
    const size = sizes.get(rel(out)) ?? 0;
    if (initial.has(out)) initialBytes += size;
    else {
      lazyBytes += size;
      lazyChunks += 1;
    }
  }
  if (process.env.AFK_BUNDLE_DEBUG)
    for (const out of initial)
      console.log(
        entry,
        Object.entries(meta.outputs[out]?.inputs ?? {})
          .map(([k, v]) => [k, v.bytesInOutput] as const)
          .filter(([k]) => !k.includes('node_modules/react'))
          .sort((a, b) => b[1] - a[1])
          .slice(0, 25),
      );
  return { initial: initialBytes, lazy: lazyBytes, lazyChunks };
}

export async function measureDevtoolsBundle(): Promise<DevtoolsBundleFigures> {
  const base = await bundle('host-baseline.tsx');
  const withDt = await bundle('host-devtools.tsx');
  const viaRoot = await bundle('host-devtools-provider.tsx');
  const enabled = await bundle('host-devtools-enabled.tsx');
  const rqBase = await bundle('host-rq-baseline.tsx');
  const rq = await bundle('host-rq-devtools.tsx');
  const rqVersion = (
    JSON.parse(
      await readFile(join(repo, 'node_modules', '@tanstack', 'react-query-devtools', 'package.json'), 'utf8'),
    ) as { version: string }
  ).version;
  return {
    baselineInitialGzipKB: kb(base.initial),
    withDevtoolsInitialGzipKB: kb(withDt.initial),
    addedInitialGzipKB: kb(withDt.initial - base.initial),
    lazyGzipKB: kb(withDt.lazy),
    lazyChunks: withDt.lazyChunks,
    viaPackageRoot: {
      addedInitialGzipKB: kb(viaRoot.initial - base.initial),
      lazyGzipKB: kb(viaRoot.lazy),
    },
    enabled: {
      addedInitialGzipKB: kb(enabled.initial - base.initial),
      lazyGzipKB: kb(enabled.lazy),
      lazyChunks: enabled.lazyChunks,
    },
    reactQueryDevtools: {
      version: rqVersion,
      addedInitialGzipKB: kb(rq.initial - rqBase.initial),
      lazyGzipKB: kb(rq.lazy),
      lazyChunks: rq.lazyChunks,
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const f = await measureDevtoolsBundle();
  const verdict = f.addedInitialGzipKB <= 5 ? 'within' : 'over';
  console.log(JSON.stringify(f, null, 2));
  console.log(
    `<AfkDevtools /> adds ${f.addedInitialGzipKB} KB gzip to the host's initial bundle (${verdict} the 5 KB target); ` +
      `the lazy panel is ${f.lazyGzipKB} KB gzip in ${f.lazyChunks} chunk(s).`,
  );
}
