/**
 * What the Chromium UI benches share: a page (`<dir>/page.tsx`) bundled by esbuild with
 * @afk/react's components, React in production mode and afk from its built `dist`, served with
 * @afk/react's styles from a throwaway http server on 127.0.0.1 (IndexedDB needs an http origin),
 * and the flags headless Chromium runs with here.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const benchRoot = join(here, '..');
const reactStyles = join(benchRoot, '..', 'react', 'src', 'styles.css');

/** Debian's Chromium in a container: no sandbox, no GPU, nothing that reaches the network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-sync',
];

export interface BenchPageFiles {
  js: string;
  css: string;
}

/** Bundles `src/<dir>/page.tsx` (minified unless `minify: false`) and @afk/react's styles. */
export async function bundleBenchPage(dir: string, opts: { minify?: boolean } = {}): Promise<BenchPageFiles> {
  const js = await build({
    entryPoints: [join(here, dir, 'page.tsx')],
    absWorkingDir: benchRoot,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    minify: opts.minify ?? true,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    // No tsconfig: its `paths` map afk/* to source for type-checking only.
    tsconfigRaw: '{"compilerOptions":{"jsx":"react-jsx"}}',
    // The in-page panel (lazy, not used here) imports its CSS as Vite's `?inline` text.
    plugins: [
      {
        name: 'vite-inline-css',
        setup(b) {
          b.onResolve({ filter: /\?inline$/ }, (a) => ({ path: a.path, namespace: 'inline-css' }));
          b.onLoad({ filter: /.*/, namespace: 'inline-css' }, () => ({ contents: '', loader: 'text' }));
        },
      },
    ],
  });
  if (Object.keys(js.metafile.inputs).some((i) => i.includes('afk/src/')))
    throw new Error('afk was bundled from source; expected packages/afk/dist');
  const css = await build({ entryPoints: [reactStyles], bundle: true, write: false, logLevel: 'silent' });
  return { js: js.outputFiles[0]?.text ?? '', css: css.outputFiles[0]?.text ?? '' };
}

/** Serves the bundled page at `/` on a free loopback port until `server.close()`. */
export function serveBenchPage(
  files: BenchPageFiles,
  title: string,
): Promise<{ server: Server; url: string }> {
  const html = `<!doctype html><meta charset="utf-8"><title>${title}</title><link rel="stylesheet" href="/bench.css"><body style="margin:0;font:13px system-ui"><script type="module" src="/bench.js"></script>`;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (type: string, body: string) => {
      res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (path === '/' || path === '/index.html') send('text/html', html);
    else if (path === '/bench.js') send('text/javascript', files.js);
    else if (path === '/bench.css') send('text/css', files.css);
    else res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/` });
    });
  });
}
