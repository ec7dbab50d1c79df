import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAfk } from './test-support/bundle.js';
import { runCli } from './test-support/run-cli.js';

// `afk devtools` as a child process, bundled the way the package ships the CLI.
const dir = mkdtempSync(join(tmpdir(), 'afk-devtools-cli-'));
const app = join(dir, 'app');
let cli = '';
const afk = (args: string[], env: Record<string, string> = {}) =>
  runCli(process.execPath, [cli, ...args], { cwd: dir, env });

beforeAll(async () => {
  cli = (await bundleAfk(join(dir, 'lib'))).cli;
  mkdirSync(app);
  writeFileSync(join(app, 'index.html'), '<html><head></head><body>devtools</body></html>');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('afk devtools', { timeout: 60_000 }, () => {
  it('--help, and usage errors for bad flags', async () => {
    const help = await afk(['devtools', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: afk devtools');
    expect((await afk(['help', 'devtools'])).stdout).toContain('--token <secret>');
    expect((await afk(['--help'])).stdout).toContain('afk devtools');
    const port = await afk(['devtools', '--port', 'eighty']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain("--port must be 0..65535, got 'eighty'");
    expect((await afk(['devtools', 'extra'])).code).toBe(2);
  });

  it('refuses a non-loopback --host without a token', async () => {
    const r = await afk(['devtools', '--host', '0.0.0.0', '--port', '0', '--app', app]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refusing to listen on 0.0.0.0 without a token');
  });

  it('says clearly when the app is not built', async () => {
    const r = await afk(['devtools', '--port', '0', '--app', join(dir, 'missing')]);
    expect(r.code).toBe(7);
    expect(r.stderr).toContain('the devtools app is not built into this afk package');
    expect(r.stderr).toContain('npm run build');
  });

  it('serves the app and the bridge until SIGTERM; with a token the printed URL carries it', async () => {
    const child = spawn(
      process.execPath,
      [cli, 'devtools', '--port', '0', '--host', '0.0.0.0', '--app', app],
      {
        cwd: dir,
        env: { ...process.env, AFK_DEVTOOLS_TOKEN: 'cli-test-token-123' },
      },
    );
    let out = '';
    const started = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed in 20 s:\n${out}`)), 20_000);
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (/afk devtools: \S+/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`afk devtools exited early:\n${out}`)));
    });
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    await started;
    const url = /afk devtools: (http:\/\/\S+?)\/\?token=cli-test-token-123/.exec(out)?.[1];
    expect(url, out).toBeDefined();
    expect(out).toContain('every request needs the token');
    const port = new URL(url as string).port;
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/__afk/bridge/info`)).status).toBe(401);
    const info = await fetch(`${base}/__afk/bridge/info`, {
      headers: { authorization: 'Bearer cli-test-token-123' },
    });
    expect(await info.json()).toMatchObject({ app: 'afk-devtools', tokenRequired: true });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('afk devtools: stopped');
  });
});
