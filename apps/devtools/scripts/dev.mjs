// `npm start` / `npm run dev`: the Vite dev server, opening a browser only where one can be shown,
// so that a headless machine (CI, SSH, a container) gets the URL printed instead of a crash.
import { createServer } from 'vite';

const headless =
  process.env.CI !== undefined ||
  (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY);

const server = await createServer({
  configFile: new URL('../vite.config.ts', import.meta.url).pathname,
  server: { open: !headless },
});
await server.listen();
server.printUrls();
const url = server.resolvedUrls?.local[0];
console.log(
  headless
    ? `\nAFK devtools ready: open ${url} in a browser (no display here, so none was opened). Ctrl+C stops.`
    : `\nAFK devtools ready at ${url}. Ctrl+C stops.`,
);
