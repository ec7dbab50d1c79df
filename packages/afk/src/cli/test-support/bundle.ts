// Builds the CLI, the runSync worker and the fixtures' library into `dir` (ESM, shared chunks),
// the way the built package would ship them, for tests that spawn them as real processes/threads.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export interface Bundle {
  /** The bundled `afk` command. */
  cli: string;
  /** file: URL of the runSync worker (set as AFK_RUN_SYNC_WORKER). */
  worker: string;
  /** Path of the library fixture modules import (`Agent`, `tool`, `scripted`, `z`). */
  lib: string;
}

/**
 * With `store: true` the durable Node store (`afk/memory/postgres`) is built too, where the CLI
 * looks for it (`dist/memory/postgres/index.js` beside `dist/cli/`, shared chunks in `dist/cli/`
 * so their `import.meta.url` is the CLI's), and PGlite and `pg` stay in node_modules: `dir` must
 * then lie inside the repository (e.g. under its node_modules) so they resolve.
 */
export async function bundleAfk(dir: string, opts: { store?: boolean } = {}): Promise<Bundle> {
  mkdirSync(dir, { recursive: true });
  const store = opts.store === true;
  await build({
    // The package's layout (dist/cli/afk, package.json two levels up) so `--version` reads it.
    entryPoints: {
      'dist/cli/afk': here('../afk.ts'),
      'dist/core/run-sync-worker': here('../../core/run-sync-worker.ts'),
      'afk-lib': here('./afk-lib.ts'),
      ...(store ? { 'dist/memory/postgres/index': here('../../memory/postgres/index.ts') } : {}),
    },
    ...(store ? { chunkNames: 'dist/cli/[name]-[hash]' } : {}),
    outdir: dir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    // The CLI imports the durable store lazily; it is not part of these bundles unless asked for.
    external: store
      ? ['@electric-sql/pglite', '@electric-sql/pglite/*', 'pg', 'tsx', 'tsx/*']
      : ['afk/memory/postgres', '../memory/postgres/index.js', 'tsx', 'tsx/*'],
    // `yaml` (read lazily by `afk eval` for YAML cases) ships CommonJS for Node, which cannot be
    // inlined into ESM output; its ESM build is the same parser. (The built package imports it
    // natively.)
    plugins: [
      {
        name: 'yaml-esm',
        setup(b) {
          const yamlDir = dirname(createRequire(import.meta.url).resolve('yaml/package.json'));
          b.onResolve({ filter: /^yaml$/ }, () => ({ path: join(yamlDir, 'browser', 'index.js') }));
        },
      },
    ],
    logLevel: 'silent',
  });
  copyFileSync(here('../../../package.json'), join(dir, 'package.json'));
  // The path the CLI imports the store by (the package's `.js`), onto the `.mjs` built here.
  if (store)
    writeFileSync(join(dir, 'dist', 'memory', 'postgres', 'index.js'), "export * from './index.mjs';\n");
  return {
    cli: join(dir, 'dist', 'cli', 'afk.mjs'),
    worker: pathToFileURL(join(dir, 'dist', 'core', 'run-sync-worker.mjs')).href,
    lib: join(dir, 'afk-lib.mjs'),
  };
}
