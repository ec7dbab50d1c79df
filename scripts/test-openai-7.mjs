// Runs the OpenAI provider tests against the `openai` 7.x line as well. The workspace installs 6.x
// (7.x declares Node >= 22, and AFK supports Node 20), so this installs 7.x aside into
// node_modules/.cache/openai-7 (reused while it still matches) and aliases `openai` to it
// (vite.config.ts, AFK_OPENAI_SDK_DIR). Needs the npm registry on the first run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = `${root}node_modules/.cache/openai-7`;
const sdk = `${dir}/node_modules/openai`;
const range = process.env.AFK_OPENAI_7_RANGE ?? '^7.0.0';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const installed = () => {
  try {
    return JSON.parse(readFileSync(`${sdk}/package.json`, 'utf8')).version;
  } catch {
    return undefined;
  }
};
if (!installed()?.startsWith('7.')) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, '{ "private": true }\n');
  // --engine-strict=false: 7.x declares Node >= 22; running it on Node 20 is what this checks.
  execFileSync(
    npm,
    [
      'install',
      `openai@${range}`,
      '--prefix',
      dir,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
    ],
    { stdio: 'inherit' },
  );
}
if (!existsSync(sdk)) throw new Error(`openai 7.x did not install into ${dir}`);
// The Node test files of afk/llms that drive the real `openai` client (they mention it).
const llmsDir = `${root}packages/afk/src/llms`;
const files = readdirSync(llmsDir, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.test.ts') && !f.endsWith('.browser.test.ts'))
  .filter((f) => /openai/i.test(readFileSync(`${llmsDir}/${f}`, 'utf8')))
  .map((f) => `packages/afk/src/llms/${f}`);
if (files.length === 0) throw new Error('no afk/llms test file uses the openai client');
console.log(`provider tests against openai ${installed()} (${sdk}): ${files.length} files`);
execFileSync(
  'npx',
  ['vitest', 'run', '--project', 'node', ...files, 'packages/afk/test/openai-sdk-line.test.ts'],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, AFK_OPENAI_SDK_DIR: sdk, AFK_OPENAI_SDK_MAJOR: '7' },
  },
);
