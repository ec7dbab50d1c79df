// Checks the published packages as npm would publish them (run after `npm run build`): `afk` and
// `@afk/playwright`. Each is packed once, then (1) its file list: README, LICENSE, built dist, the
// bin shim (executable), no test code, and every source map's `sources` shipped too; (2) publint
// (strict) on the tarball; (3) Are the Types Wrong (attw, ESM-only profile: neither ships
// CommonJS) on the tarball.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = fileURLToPath(new URL('..', import.meta.url));
const problems = [];

/** What differs between the packages: where they are, what they must ship and must not. */
const PACKAGES = [
  {
    dir: 'packages/afk',
    entry: 'dist/core/index.js',
    // `afk devtools` serves the app from here (scripts/copy-devtools-app.mjs, run by `npm run build`).
    extra: (files, problems) => {
      if (!files.has('dist/devtools-app/index.html'))
        problems.push('missing dist/devtools-app/index.html: the devtools app `afk devtools` serves');
      for (const path of files.keys())
        if (path.startsWith('dist/devtools-app/test-pages/'))
          problems.push(`ships an e2e test page: ${path}`);
    },
  },
  {
    dir: 'packages/playwright',
    entry: 'dist/index.js',
    extra: (files, problems) => {
      for (const path of files.keys())
        if (path.startsWith('example/')) problems.push(`ships the example app: ${path}`);
    },
  },
];

for (const spec of PACKAGES) await checkPackage(spec);

async function checkPackage({ dir, entry, extra }) {
  const pkgDir = join(root, dir);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const out = mkdtempSync(join(tmpdir(), 'afk-pack-'));
  const before = problems.length;
  const problem = (p) => problems.push(`${pkg.name}: ${p}`);
  try {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: pkgDir, encoding: 'utf8' }),
    );
    const files = new Map(packed.files.map((f) => [f.path, f]));
    console.log(
      `${pkg.name}: packed ${packed.filename}: ${files.size} files, ${(packed.size / 1024).toFixed(1)} kB`,
    );

    // (1) contents
    for (const required of ['README.md', 'LICENSE', 'package.json'])
      if (!files.has(required)) problem(`missing ${required}`);
    if (!files.has(entry)) problem(`missing ${entry} (run npm run build first)`);
    extra(files, { push: problem });
    const testCode = /(\.test\.|\/test-support\/|test-helpers\.|store-contract\.)/;
    for (const path of files.keys()) if (testCode.test(path)) problem(`ships test code: ${path}`);
    for (const [name, target] of Object.entries(pkg.bin ?? {})) {
      const file = files.get(posix.normalize(target));
      if (!file) problem(`bin ${name}: ${target} is not in the package`);
      else if ((file.mode & 0o111) === 0) problem(`bin ${name}: ${target} is not executable in the package`);
    }
    let maps = 0;
    for (const path of files.keys()) {
      if (!path.endsWith('.map')) continue;
      maps++;
      const map = JSON.parse(readFileSync(join(pkgDir, path), 'utf8'));
      for (const source of map.sources) {
        const resolved = posix.normalize(posix.join(posix.dirname(path), map.sourceRoot ?? '', source));
        if (!files.has(resolved)) problem(`${path} points at ${resolved}, which is not shipped`);
      }
    }
    console.log(`contents: checked ${files.size} files and the sources of ${maps} source maps`);

    // (2) publint
    const tarball = join(out, packed.filename);
    const buf = readFileSync(tarball);
    const lint = await publint({
      pack: { tarball: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) },
      strict: true,
    });
    for (const m of lint.messages) problem(`publint ${m.type}: ${formatMessage(m, lint.pkg)}`);
    console.log(`publint: ${lint.messages.length} message(s)`);

    // (3) attw
    const attw = join(
      dirname(fileURLToPath(import.meta.resolve('@arethetypeswrong/cli/package.json'))),
      'dist/index.js',
    );
    try {
      execFileSync(
        process.execPath,
        [
          attw,
          tarball,
          '--profile',
          'esm-only',
          '--no-definitely-typed',
          '--format',
          'table-flipped',
          '--no-emoji',
          '--no-color',
        ],
        { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' },
      );
      console.log(`${pkg.name}: attw: no problems (profile esm-only)`);
    } catch (e) {
      problem(`attw found problems:\n${e.stdout ?? e.message}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }

  if (problems.length === before) console.log(`${pkg.name}: ok`);
}

if (problems.length) {
  console.error(`package check failed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
