import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

const require = createRequire(import.meta.url);

function pgliteVersion(): string {
  // The package's exports hide package.json; its entry lives in dist/.
  const pkg = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

/**
 * A fresh PGlite data directory for one test, copied from a template made once per machine and
 * PGlite version (running initdb in WASM costs seconds; opening a copy costs well under one).
 * The template is built in a temp directory and renamed into place, so concurrent test files
 * never see a half-made one. The caller removes the returned directory.
 */
export async function freshPGliteDir(): Promise<string> {
  const template = join(tmpdir(), `afk-pglite-template-${pgliteVersion()}`);
  if (!existsSync(join(template, 'PG_VERSION'))) {
    const build = mkdtempSync(join(tmpdir(), 'afk-pglite-build-'));
    const db = await PGlite.create(build);
    await db.close();
    try {
      renameSync(build, template);
    } catch {
      rmSync(build, { recursive: true, force: true }); // another test file made it first
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'afk-pglite-'));
  cpSync(template, dir, { recursive: true });
  return dir;
}
