// `afk devtools`: the devtools app and the Node bridge on one local port. See docs/devtools-bridge.md.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLoopbackHost } from '../devtools-bridge/server/guard.js';
import { startDevtoolsServer } from '../devtools-bridge/server/server.js';
import { isAfkError } from '../errors/index.js';
import { DEVTOOLS_OPTIONS, type DevtoolsFlags, parseCommand } from './args.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import type { CliIO } from './session.js';
import { DEVTOOLS_USAGE } from './usage.js';

/**
 * Where the built app is: `--app`, `AFK_DEVTOOLS_APP`, the copy inside the installed package
 * (`dist/devtools-app`, put there by the root `npm run build`), or a workspace checkout's
 * `apps/devtools/dist`. Returns the first that holds an `index.html`, and every place looked at.
 */
export function findAppDir(
  flag: string | undefined,
  env: string | undefined,
): { dir?: string; tried: string[] } {
  const candidates =
    flag !== undefined
      ? [resolve(flag)]
      : env
        ? [resolve(env)]
        : [
            fileURLToPath(new URL('../devtools-app/', import.meta.url)),
            fileURLToPath(new URL('../../../../apps/devtools/dist/', import.meta.url)),
          ];
  for (const dir of candidates) if (existsSync(resolve(dir, 'index.html'))) return { dir, tried: candidates };
  return { tried: candidates };
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 4400;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65_535)
    throw new CliError(EXIT.usage, `--port must be 0..65535, got '${raw}'`);
  return n;
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no browser opener: the URL is printed anyway
  }
}

export async function devtoolsCommand(args: string[], io: CliIO, version: string): Promise<ExitCode> {
  const { values, positionals } = parseCommand<DevtoolsFlags>('devtools', args, DEVTOOLS_OPTIONS);
  if (values.help) {
    io.stdout.write(DEVTOOLS_USAGE);
    return EXIT.ok;
  }
  if (positionals.length)
    throw new CliError(
      EXIT.usage,
      `afk devtools takes no arguments (got '${positionals[0]}'; see \`afk devtools --help\`)`,
    );
  const port = parsePort(values.port);
  const host = values.host ?? '127.0.0.1';
  const token = values.token ?? io.env.AFK_DEVTOOLS_TOKEN;
  if (!isLoopbackHost(host) && token === undefined)
    throw new CliError(
      EXIT.usage,
      `refusing to listen on ${host} without a token: anyone who can reach it could read your runs.\nGive --token <secret> (or set AFK_DEVTOOLS_TOKEN), or listen on 127.0.0.1 (the default)`,
    );
  const app = findAppDir(values.app, io.env.AFK_DEVTOOLS_APP);
  if (!app.dir)
    throw new CliError(
      EXIT.unsupported,
      `the devtools app is not built into this afk package (looked in ${app.tried.join(', ')}).\nIn the AFK repository run \`npm run build\` (it builds apps/devtools and copies it into packages/afk/dist/devtools-app), or give --app <dir> with a built app`,
    );
  let server: Awaited<ReturnType<typeof startDevtoolsServer>>;
  try {
    server = await startDevtoolsServer({ port, host, appDir: app.dir, version, ...(token ? { token } : {}) });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'EADDRINUSE')
      throw new CliError(
        EXIT.unsupported,
        `port ${port} on ${host} is in use; pick another with --port (0: any free port)`,
      );
    if (isAfkError(e)) throw new CliError(EXIT.usage, e.message);
    throw e;
  }
  const pageUrl = token ? `${server.url}/?token=${encodeURIComponent(token)}` : `${server.url}/`;
  io.stdout.write(
    `afk devtools: ${pageUrl}\n` +
      `  app: ${app.dir}\n` +
      `  bridge: in Node, devtoolsBridge({ url: '${server.url}'${token ? ', token: process.env.AFK_DEVTOOLS_TOKEN' : ''} }) from 'afk/devtools-bridge'\n` +
      `  ${isLoopbackHost(host) ? 'loopback only' : `listening on ${host}: every request needs the token`}; Ctrl-C stops\n`,
  );
  if (values.open) openBrowser(pageUrl);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  io.stdout.write('afk devtools: stopped\n');
  return EXIT.ok;
}
