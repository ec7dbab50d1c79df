// Checks the `afk` command as a user of this workspace gets it (run after `npm run build`):
// - the bin shim packages/afk/bin/afk.js is executable in git (so a fresh clone links it at
//   `npm ci` time, before dist/ exists);
// - `npx afk --help` from the workspace root reaches the compiled CLI and prints its usage;
// - a copy of the shim without dist/ beside it prints the "not built" message and exits 1.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const shim = 'packages/afk/bin/afk.js';
const problems = [];

// 1. executable in git (skipped outside a git checkout, e.g. an unpacked tarball)
const git = spawnSync('git', ['ls-files', '-s', shim], { cwd: root, encoding: 'utf8' });
if (git.status === 0) {
  if (!git.stdout.startsWith('100755'))
    problems.push(
      `${shim} is not executable in git (${git.stdout.trim() || 'not tracked'}); run git update-index --chmod=+x ${shim}`,
    );
} else console.log('bin: not a git checkout, skipping the file-mode check');

// 2. `npx afk --help` from the root prints the CLI's usage and exits 0.
const HELP_EXIT_CODES = [0];
const help = spawnSync('npx', ['--no-install', 'afk', '--help'], {
  cwd: root,
  encoding: 'utf8',
  timeout: 30_000,
});
const helpText = `${help.stdout}${help.stderr}`;
if (!/usage:\s+afk/i.test(helpText))
  problems.push(`npx afk --help printed no usage (exit ${help.status}):\n${helpText}`);
else if (!HELP_EXIT_CODES.includes(help.status ?? -1)) problems.push(`npx afk --help exited ${help.status}`);
else console.log(`bin: npx afk --help printed the CLI usage (exit ${help.status})`);

// 3. the shim without a build
const dir = mkdtempSync(join(tmpdir(), 'afk-bin-'));
try {
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(root, shim), join(dir, 'bin/afk.js'));
  copyFileSync(join(root, 'packages/afk/package.json'), join(dir, 'package.json'));
  const bare = spawnSync(process.execPath, [join(dir, 'bin/afk.js'), '--help'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (bare.status !== 1 || !bare.stderr.includes('afk: the SDK is not built; run npm run build'))
    problems.push(`the shim without dist/ exited ${bare.status}: ${bare.stderr}`);
  else console.log('bin: without dist/ the shim says to run npm run build (exit 1)');
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (problems.length) {
  console.error(`bin check failed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
