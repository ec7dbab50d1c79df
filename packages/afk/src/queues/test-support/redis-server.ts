import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A free loopback TCP port (bound once by the OS, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface RedisHandle {
  port: number;
  connection: { host: string; port: number };
  stop(): Promise<void>;
  /** Stops the server and starts it again on the same port (with `persistDir`, data survives). */
  restart(): Promise<void>;
}

export interface RedisOptions {
  readyTimeoutMs?: number;
  /** Keep data across restarts: an append-only file in this directory, fsynced on every write. */
  persistDir?: string;
}

const REDIS = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

/**
 * Starts a throwaway `redis-server` on a free loopback port (no persistence) and resolves once
 * it accepts connections; bounded by `readyTimeoutMs`.
 */
export async function startRedis(options: RedisOptions = {}): Promise<RedisHandle> {
  const port = await freePort();
  let child = await spawnRedis(port, options);
  const stop = () => stopChild(child);
  return {
    port,
    connection: { host: '127.0.0.1', port },
    stop,
    restart: async () => {
      await stop();
      child = await spawnRedis(port, options);
    },
  };
}

async function spawnRedis(port: number, options: RedisOptions): Promise<ChildProcess> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  const persistence = options.persistDir
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', options.persistDir]
    : ['--appendonly', 'no'];
  const child: ChildProcess = spawn(
    REDIS,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server not ready within ${readyTimeoutMs} ms:\n${output}`));
    }, readyTimeoutMs);
    const onData = (b: Buffer) => {
      output += b.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}):\n${output}`));
    });
  });
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
