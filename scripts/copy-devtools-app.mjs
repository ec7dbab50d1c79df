// Copies the built devtools app (apps/devtools/dist) into the afk package as dist/devtools-app,
// where `afk devtools` serves it from (run by the root `npm run build`, after both builds; the
// package's `files` ship `dist`). The e2e-only test pages stay out of the package.
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const from = join(root, 'apps/devtools/dist');
const to = join(root, 'packages/afk/dist/devtools-app');
if (!existsSync(join(from, 'index.html'))) {
  console.error(`copy-devtools-app: ${relative(root, from)}/index.html is missing; build the app first`);
  process.exit(1);
}
rmSync(to, { recursive: true, force: true });
cpSync(from, to, {
  recursive: true,
  filter: (src) => !relative(from, src).split(sep).includes('test-pages'),
});
console.log(`copy-devtools-app: ${relative(root, from)} -> ${relative(root, to)}`);
