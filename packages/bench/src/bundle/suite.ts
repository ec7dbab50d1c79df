import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { constants, gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';
import { fmt } from '../stats.js';
import { type Suite, type SuiteResult, type Target, target } from '../suite.js';

const here = dirname(fileURLToPath(import.meta.url));
const benchRoot = join(here, '..', '..');
// Under node_modules so `import 'zod'` in a bundle resolves when it is executed, and linters skip it.
const outDir = join(benchRoot, 'node_modules', '.cache', 'afk-bench');

/** KB here means 1024 bytes, the stricter reading of the "≤ 50 KB" target. */
const KB = 1024;
const AFK_LIMIT_KB = 50;

interface Entry {
  id: 'afk' | 'openai-agents-core' | 'ai';
  label: string;
  file: string;
  /** A line the entry prints when its run succeeded. */
  expect: string;
}

const entries: Entry[] = [
  { id: 'afk', label: 'afk', file: 'afk.ts', expect: 'completed 1 + 2 = 3' },
  {
    id: 'openai-agents-core',
    label: '@openai/agents-core',
    file: 'openai-agents-core.ts',
    expect: '1 + 2 = 3',
  },
  { id: 'ai', label: 'ai (AI SDK core)', file: 'ai.ts', expect: '1 + 2 = 3' },
];

export interface BundleFigure {
  id: Entry['id'];
  label: string;
  minifiedBytes: number;
  gzipBytes: number;
  gzipKB: number;
  /** Node built-ins the bundle imports; they are left external (not counted) and listed here. */
  externalBuiltins: string[];
  /** Minified bytes per package, largest first (lazy chunks included). */
  byPackage: Array<{ name: string; bytes: number }>;
  /** Minified bytes of chunks only loaded through dynamic import() (not in the figure). */
  lazyChunkBytes: number;
  /** Whether the bundle, executed in Node with zod installed, printed the expected answer. */
  executes: boolean | null;
  executeError?: string;
}

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Leaves Node built-ins external (a browser has none) but records which ones were asked for. */
function recordBuiltins(seen: Set<string>): Plugin {
  return {
    name: 'record-node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!builtins.has(args.path)) return undefined;
        seen.add(args.path);
        return { path: args.path, external: true };
      });
    },
  };
}

function packageOf(input: string): string {
  const marker = 'node_modules/';
  const at = input.lastIndexOf(marker);
  if (at >= 0) {
    const rest = input.slice(at + marker.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (input.includes('packages/afk/') || input.startsWith('../afk/')) return 'afk';
  return '(entry)';
}

/** Output paths reachable from the entry's output through static imports only. */
function staticClosure(metafile: Metafile, entryOut: string): Set<string> {
  const start = Object.keys(metafile.outputs).find((o) => o.endsWith(`/${entryOut}`) || o === entryOut);
  if (!start) throw new Error(`no output for ${entryOut}: ${Object.keys(metafile.outputs).join(', ')}`);
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length) {
    const out = metafile.outputs[queue.pop()!];
    for (const imp of out?.imports ?? []) {
      if (imp.kind === 'import-statement' && !imp.external && !seen.has(imp.path)) {
        seen.add(imp.path);
        queue.push(imp.path);
      }
    }
  }
  return seen;
}

function byPackage(metafile: Metafile): Array<{ name: string; bytes: number }> {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

async function execute(file: string, expect: string): Promise<{ ok: boolean; error?: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [file], { timeout: 30_000 });
    const ok = stdout.trim().split('\n').includes(expect);
    return ok
      ? { ok }
      : { ok, error: `printed ${JSON.stringify(stdout.trim())}, expected ${JSON.stringify(expect)}` };
  } catch (error) {
    return {
      ok: false,
      error: error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error),
    };
  }
}

async function measure(entry: Entry): Promise<BundleFigure> {
  const seen = new Set<string>();
  const entryDir = join(outDir, entry.id);
  const result = await build({
    entryPoints: [join(here, 'entries', entry.file)],
    absWorkingDir: benchRoot,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external: ['zod'],
    // Code splitting, as every app bundler does: a dynamic import() (afk loads model providers
    // such as `openai` lazily) becomes its own chunk, fetched only when used. The figure is the
    // entry plus the chunks it imports statically; lazy chunks are reported beside it.
    splitting: true,
    outdir: entryDir,
    entryNames: '[name]',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [recordBuiltins(seen)],
    // No tsconfig: its `paths` (afk/* → source, for type-checking) must not apply; afk resolves
    // through the workspace to the built package like any dependency.
    tsconfigRaw: '{}',
  });
  const inputs = Object.keys(result.metafile.inputs);
  if (entry.id === 'afk' && inputs.some((i) => i.includes('afk/src/'))) {
    throw new Error('afk was bundled from source; expected packages/afk/dist');
  }
  const initial = staticClosure(result.metafile, entry.file.replace(/\.[tj]s$/, '.js'));
  const byPath = new Map(result.outputFiles.map((f) => [relative(benchRoot, f.path), f.contents]));
  const initialCode = Buffer.concat([...initial].map((p) => Buffer.from(byPath.get(p) ?? new Uint8Array())));
  const code = initialCode;
  const gzipBytes = gzipSync(code, { level: constants.Z_BEST_COMPRESSION }).byteLength;
  const lazyBytes = result.outputFiles
    .filter((f) => !initial.has(relative(benchRoot, f.path)))
    .reduce((a, f) => a + f.contents.byteLength, 0);

  await mkdir(entryDir, { recursive: true });
  for (const f of result.outputFiles) {
    await mkdir(dirname(f.path), { recursive: true });
    await writeFile(f.path, f.contents);
  }
  const outFile = [...initial]
    .map((p) => join(benchRoot, p))
    .find((p) => basename(p).startsWith(basename(entry.file).replace(/\.[tj]s$/, '')))!;
  const run = seen.size === 0 ? await execute(outFile, entry.expect) : null;

  return {
    id: entry.id,
    label: entry.label,
    minifiedBytes: code.byteLength,
    gzipBytes,
    gzipKB: gzipBytes / KB,
    externalBuiltins: [...seen].sort(),
    byPackage: byPackage(result.metafile),
    lazyChunkBytes: lazyBytes,
    executes: run?.ok ?? null,
    ...(run?.error ? { executeError: run.error } : {}),
  };
}

export const bundleSuite: Suite = {
  id: 'bundle',
  title: 'Browser bundle size',
  async run(ctx): Promise<SuiteResult> {
    const figures: BundleFigure[] = [];
    const failures: Array<{ id: string; error: string }> = [];
    const notes: string[] = [];
    for (const entry of entries) {
      try {
        ctx.log(`  bundling ${entry.label}`);
        const f = await measure(entry);
        figures.push(f);
        if (f.externalBuiltins.length > 0) {
          notes.push(
            `${f.label} imports Node built-ins (${f.externalBuiltins.join(', ')}); left external, not counted.`,
          );
        }
        if (f.executes === false)
          notes.push(`${f.label} bundle did not run correctly in Node: ${f.executeError}`);
      } catch (error) {
        const message = describeBuildError(error);
        failures.push({ id: entry.id, error: message });
        notes.push(`${entry.label} could not be bundled: ${message}`);
      }
    }

    const afk = figures.find((f) => f.id === 'afk');
    const peers = figures.filter((f) => f.id !== 'afk');
    const smallestPeer =
      peers.length === 2 ? peers.reduce((a, b) => (b.gzipBytes < a.gzipBytes ? b : a)) : null;
    const targets: Target[] = [
      target({
        id: 'bundle.afk-size',
        description: `afk entry ≤ ${AFK_LIMIT_KB} KB min+gz`,
        actual: afk ? round(afk.gzipKB) : null,
        limit: AFK_LIMIT_KB,
        comparison: '<=',
        unit: 'KB',
      }),
      target({
        id: 'bundle.afk-vs-peers',
        description: 'afk entry smaller than both peers',
        actual: afk ? round(afk.gzipKB) : null,
        limit: smallestPeer ? round(smallestPeer.gzipKB) : Number.NaN,
        comparison: '<',
        unit: 'KB',
        ...(smallestPeer
          ? { note: `smallest peer: ${smallestPeer.label}` }
          : { note: 'a peer could not be bundled' }),
      }),
    ];
    if (!smallestPeer) targets[1] = { ...targets[1]!, pass: null };

    return {
      id: 'bundle',
      title: 'Browser bundle size',
      tables: [
        {
          title:
            'Browser bundle: one agent + one zod tool + one run (esbuild, minified ESM, zod external, gzip -9)',
          columns: ['SDK', 'minified KB', 'min+gz KB', 'largest parts (minified KB)', 'runs'],
          rows: figures.map((f) => [
            f.label,
            fmt(f.minifiedBytes / KB),
            fmt(f.gzipKB),
            f.byPackage
              .slice(0, 3)
              .map((p) => `${p.name} ${fmt(p.bytes / KB)}`)
              .join(', '),
            f.executes === null ? '—' : f.executes ? 'yes' : 'NO',
          ]),
          alignRight: [1, 2],
        },
      ],
      targets,
      data: {
        build: {
          bundler: 'esbuild',
          options: { bundle: true, minify: true, format: 'esm', platform: 'browser', external: ['zod'] },
          gzip: 'node:zlib level 9',
          kb: KB,
        },
        figures,
        failures,
      },
      notes,
    };
  },
};

/** esbuild's own message is only "Build failed with N errors"; the first error says why. */
function describeBuildError(error: unknown): string {
  const first = (error as { errors?: Array<{ text: string }> }).errors?.[0];
  if (first) return first.text;
  return error instanceof Error ? error.message : String(error);
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
