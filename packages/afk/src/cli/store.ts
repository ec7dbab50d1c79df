// `--store DIR`: the durable Node store (`PostgresStore.embedded({ dataDir })` from
// `afk/memory/postgres`), loaded lazily so the command works without it; and the record of which
// module and export each run came from, so `afk resume RUN_ID` needs nothing else.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { MemoryStore } from '../memory/types.js';
import { CliError, EXIT } from './exit-codes.js';

interface PostgresModule {
  PostgresStore: { embedded(opts: { dataDir: string }): MemoryStore | Promise<MemoryStore> };
}

/** Where the durable store is looked for: the package's own module, then the package export. */
const CANDIDATES = [new URL('../memory/postgres/index.js', import.meta.url).href, 'afk/memory/postgres'];

function isMissing(e: unknown, spec: string): boolean {
  const code = (e as { code?: string }).code;
  if (
    code !== 'ERR_MODULE_NOT_FOUND' &&
    code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED' &&
    code !== 'MODULE_NOT_FOUND'
  )
    return false;
  const msg = e instanceof Error ? e.message : '';
  const tail = spec.startsWith('file:') ? spec.slice(spec.lastIndexOf('/memory/')) : spec;
  return (
    msg.includes(tail.replace(/\.js$/, '')) ||
    msg.includes("'afk'") ||
    msg.includes('./memory/postgres') ||
    msg.includes('afk/memory/postgres')
  );
}

/** Imports `afk/memory/postgres`; exit 7 ("unsupported") with what to do when it is not there. */
export async function loadPostgresModule(): Promise<PostgresModule> {
  for (const spec of CANDIDATES) {
    try {
      const mod = (await import(spec)) as Partial<PostgresModule>;
      if (typeof mod.PostgresStore?.embedded === 'function') return mod as PostgresModule;
    } catch (e) {
      if (!isMissing(e, spec)) throw e;
    }
  }
  throw new CliError(
    EXIT.unsupported,
    '--store needs the durable Node store (afk/memory/postgres: PostgresStore.embedded), which this ' +
      'afk build does not include yet. Without --store, runs are kept in memory and cannot be resumed.',
  );
}

/** Opens the durable store in `dir` (created when new). */
export async function openStore(dir: string): Promise<MemoryStore> {
  const { PostgresStore } = await loadPostgresModule();
  try {
    return await PostgresStore.embedded({ dataDir: resolve(dir) });
  } catch (e) {
    throw new CliError(
      EXIT.unsupported,
      `cannot open the store in ${dir}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/** Which agent a CLI run came from (kept beside the store's data). */
export interface RunOrigin {
  module: string;
  export: string;
}

function originsFile(dir: string): string {
  const abs = resolve(dir);
  return existsSync(abs) && statSync(abs).isDirectory()
    ? join(abs, 'afk-cli-runs.json')
    : `${abs}.afk-cli-runs.json`;
}

function readOrigins(dir: string): Record<string, RunOrigin> {
  try {
    return JSON.parse(readFileSync(originsFile(dir), 'utf8')) as Record<string, RunOrigin>;
  } catch {
    return {};
  }
}

export function recordOrigin(dir: string, runId: string, origin: RunOrigin): void {
  const all = readOrigins(dir);
  all[runId] = origin;
  const file = originsFile(dir);
  writeFileSync(`${file}.tmp`, JSON.stringify(all, null, 2));
  renameSync(`${file}.tmp`, file);
}

export function findOrigin(dir: string, runId: string): RunOrigin | undefined {
  return readOrigins(dir)[runId];
}
