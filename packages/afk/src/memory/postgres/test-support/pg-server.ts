import { execFile, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A PostgreSQL server this test process started on loopback; `stop()` ends it and removes its files. */
export interface PgServer {
  host: string;
  port: number;
  /** `postgresql://postgres@127.0.0.1:<port>/<database>` (trust auth, loopback only). */
  connectionString(database?: string): string;
  /**
   * Stops the server (`pg_ctl stop -m <mode>`: `fast` rolls back open transactions and closes
   * connections, `immediate` aborts like a crash) and keeps its data directory and port.
   */
  down(mode: 'fast' | 'immediate'): Promise<void>;
  /** Starts the server again after `down`, on the same port and data directory (bounded wait). */
  up(): Promise<void>;
  stop(): Promise<void>;
}

/** Where `initdb` and `pg_ctl` are: PATH first, then Debian's /usr/lib/postgresql/<v>/bin. */
function findBinDir(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    for (const v of readdirSync(root).sort().reverse()) {
      const dir = join(root, v, 'bin');
      if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
    }
  }
  throw new Error(
    'PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or in /usr/lib/postgresql/*/bin. ' +
      'The PostgresStore tests need a real server: install it (Debian: apt-get install postgresql) and re-run.',
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

type Cmd = (file: string, args: string[]) => readonly [string, readonly string[]];

/**
 * Puts a fresh cluster in `data`: a copy (`cp -a`, owner and modes kept) of a template made
 * once per machine, binaries and user by `initdb` (seconds) into a temp directory renamed into
 * place, so concurrent test files never see a half-made one.
 */
async function copyTemplate(bin: string, cmd: Cmd, who: string, data: string): Promise<void> {
  const version = (await run(join(bin, 'initdb'), ['--version'])).stdout.replace(/[^0-9.]/g, '');
  const template = join(tmpdir(), `afk-pg-template-${version}-${who}`);
  if (!existsSync(join(template, 'data', 'PG_VERSION'))) {
    const build = mkdtempSync(join(tmpdir(), 'afk-pg-build-'));
    if (who === 'root') chownToPostgres(build);
    const [initCmd, initArgs] = cmd('initdb', [
      '-D',
      join(build, 'data'),
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
    await run(initCmd, [...initArgs], { timeout: 60_000 });
    try {
      renameSync(build, template);
    } catch {
      rmSync(build, { recursive: true, force: true }); // another test file made it first
    }
  }
  await run('cp', ['-a', join(template, 'data'), data], { timeout: 30_000 });
}

function chownToPostgres(...paths: string[]): void {
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0)
    throw new Error('running as root but there is no `postgres` user to run PostgreSQL as');
  for (const p of paths) {
    chownSync(p, Number(id.stdout.trim()), Number(gid.stdout.trim()));
    chmodSync(p, 0o700);
  }
}

/**
 * Starts a throwaway PostgreSQL server: a fresh cluster (`initdb`, via a per-machine template) in a
 * temp directory, `pg_ctl start` on a free
 * loopback port (socket in the temp directory), then waits (bounded) until `pg_isready` says it
 * accepts connections. PostgreSQL refuses to run as root, so as root the commands run as the
 * `postgres` user (`runuser -u postgres --`) on a directory chowned to it. Durability settings
 * are off (fsync, full page writes): this server holds test data only.
 * Throws a clear error when the binaries are missing (the tests must fail, not skip).
 *
 * @example
 * const server = await startPostgresServer();
 * afterAll(() => server.stop());
 * const store = new PostgresStore({ connectionString: server.connectionString() });
 */
export async function startPostgresServer(opts: { readyTimeoutMs?: number } = {}): Promise<PgServer> {
  const bin = findBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'afk-pg-'));
  const data = join(dir, 'data');
  const sock = join(dir, 'sock');
  mkdirSync(sock);
  const cmd = (file: string, args: string[]) =>
    asRoot
      ? (['runuser', ['-u', 'postgres', '--', join(bin, file), ...args]] as const)
      : ([join(bin, file), args] as const);
  if (asRoot) chownToPostgres(dir, sock);
  await copyTemplate(bin, cmd, asRoot ? 'root' : String(process.getuid?.() ?? 'user'), data);
  const port = await freePort();
  const serverOpts = `-k ${sock} -h 127.0.0.1 -p ${port} -c fsync=off -c full_page_writes=off -c max_connections=60`;
  const log = join(dir, 'server.log');
  const readyTimeoutMs = opts.readyTimeoutMs ?? 20_000;

  const stop = async () => {
    const [stopCmd, stopArgs] = cmd('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
    await run(stopCmd, [...stopArgs], { timeout: 30_000 }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };

  /** `pg_ctl start`, then a bounded `pg_isready` loop. */
  const start = async () => {
    const [startCmd, startArgs] = cmd('pg_ctl', ['-D', data, '-l', log, '-o', serverOpts, '-W', 'start']);
    await run(startCmd, [...startArgs], { timeout: 30_000 });
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      const ok = await run('pg_isready', ['-h', '127.0.0.1', '-p', String(port), '-t', '1']).then(
        () => true,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline) {
        const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2_000) : '(no log)';
        throw new Error(`PostgreSQL on 127.0.0.1:${port} was not ready in time; server log:\n${tail}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  try {
    await start();
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    host: '127.0.0.1',
    port,
    connectionString: (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    down: async (mode) => {
      const [downCmd, downArgs] = cmd('pg_ctl', ['-D', data, '-m', mode, 'stop']);
      await run(downCmd, [...downArgs], { timeout: 30_000 });
    },
    up: start,
    stop,
  };
}
