// `npm start` / `npm run dev`: the Vite dev server, opening a browser only where one can be shown,
// so that a headless machine (CI, SSH, a container) gets the URL printed instead of a crash.
// Options (after `--`, e.g. `npm start -- --port 5190 --host 127.0.0.1`):
//   --port <n>     port to serve on (default 5173, or the next free one); an explicit port is
//                  strict: if it is taken the server fails instead of moving elsewhere
//   --host <addr>  address to listen on (default localhost; 0.0.0.0 for every interface)
//   --open / --no-open  open a browser (default: only when a display is available)
import { parseArgs } from 'node:util';
import { createServer } from 'vite';

const usage = 'usage: npm start -- [--port <n>] [--host <address>] [--open | --no-open]';
let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      open: { type: 'boolean' },
      'no-open': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (e) {
  console.error(`${e instanceof Error ? e.message : String(e)}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const port = values.port === undefined ? undefined : Number(values.port);
if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
  console.error(`--port must be a port number (1-65535), got ${JSON.stringify(values.port)}\n${usage}`);
  process.exit(2);
}

const headless =
  process.env.CI !== undefined ||
  (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY);
const open = values['no-open'] ? false : (values.open ?? !headless);

const server = await createServer({
  configFile: new URL('../vite.config.ts', import.meta.url).pathname,
  server: {
    open,
    ...(port !== undefined ? { port, strictPort: true } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
  },
});
await server.listen();
server.printUrls();
const url = server.resolvedUrls?.local[0] ?? server.resolvedUrls?.network[0];
console.log(
  open
    ? `\nAFK devtools ready at ${url}. Ctrl+C stops.`
    : `\nAFK devtools ready: open ${url} in a browser${headless ? ' (no display here, so none was opened)' : ''}. Ctrl+C stops.`,
);
