// Checks that `npm start -- --port <p> --host 127.0.0.1` serves the devtools app there: starts it on
// a free loopback port, waits (bounded) for the "ready" line, fetches the page, then stops the
// server's process group. `npm start` builds the SDK first, as it does for a user.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const host = '127.0.0.1';
const READY_TIMEOUT_MS = 120_000;

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

const port = await freePort();
const child = spawn('npm', ['start', '--', '--port', String(port), '--host', host], {
  cwd: root,
  env: { ...process.env, CI: process.env.CI ?? '1' },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true, // its own process group, so npm, vite and esbuild all stop together
});
let output = '';
const stop = () => {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {}
};

try {
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "ready" line within ${READY_TIMEOUT_MS} ms`)),
      READY_TIMEOUT_MS,
    );
    const onData = (chunk) => {
      output += chunk;
      const m = /AFK devtools ready[^\n]*?(https?:\/\/[^\s/]+\/)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited ${code} before it was ready`));
    });
  });
  const expected = `http://${host}:${port}/`;
  if (url !== expected) throw new Error(`npm start says it serves ${url}, expected ${expected}`);
  const res = await fetch(expected, { signal: AbortSignal.timeout(30_000) });
  const html = await res.text();
  if (res.status !== 200 || !html.includes('<title>AFK devtools</title>'))
    throw new Error(`GET ${expected}: ${res.status}, not the devtools page`);
  console.log(`start: npm start -- --port ${port} --host ${host} served the devtools at ${expected}`);
} catch (e) {
  console.error(
    `start check failed: ${e instanceof Error ? e.message : String(e)}\n--- output ---\n${output}`,
  );
  process.exitCode = 1;
} finally {
  const exited = new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', resolve);
  });
  stop();
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  }, 10_000);
  await exited;
  clearTimeout(timer);
}
