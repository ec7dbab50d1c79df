/**
 * The servers the worker benchmarks start and stop themselves: a throwaway PostgreSQL cluster and
 * a `redis-server`, both on free loopback ports, through the same helpers afk's tests use. When a
 * binary is missing the caller gets the reason instead of a server, and prints "skipped (why)".
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type PgServer,
  startPostgresServer,
} from '../../../afk/src/memory/postgres/test-support/pg-server.js';
import { type RedisHandle, startRedis } from '../../../afk/src/queues/test-support/redis-server.js';

export type { PgServer, RedisHandle };

/** Where a binary is on PATH (or at an absolute path), else undefined. */
function which(name: string): string | undefined {
  if (name.startsWith('/')) return existsSync(name) ? name : undefined;
  for (const dir of (process.env.PATH ?? '').split(':'))
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  if (existsSync('/usr/lib/postgresql'))
    for (const v of readdirSync('/usr/lib/postgresql')) {
      const p = join('/usr/lib/postgresql', v, 'bin', name);
      if (existsSync(p)) return p;
    }
  return undefined;
}

/** A PostgreSQL server, or why there is none. */
export async function startPg(): Promise<PgServer | { skipped: string }> {
  const missing = ['initdb', 'pg_ctl', 'pg_isready'].filter((b) => !which(b));
  if (missing.length > 0) return { skipped: `PostgreSQL binaries not found: ${missing.join(', ')}` };
  try {
    return await startPostgresServer();
  } catch (e) {
    return {
      skipped: `PostgreSQL did not start: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
    };
  }
}

/** A redis-server, or why there is none. */
export async function startRedisServer(): Promise<RedisHandle | { skipped: string }> {
  const bin = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
  if (!which(bin)) return { skipped: `redis-server not found (${bin}; set REDIS_SERVER)` };
  try {
    return await startRedis();
  } catch (e) {
    return {
      skipped: `redis-server did not start: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
    };
  }
}

const TICK_MS = 10; // Linux USER_HZ is 100

function stat(pid: string): { ppid: string; cpuMs: number; reapedMs: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields after the name: state ppid … utime(12) stime(13) cutime(14) cstime(15)
    return {
      ppid: f[1]!,
      cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS,
      reapedMs: (Number(f[13]) + Number(f[14])) * TICK_MS,
    };
  } catch {
    return undefined;
  }
}

/**
 * CPU time (ms) of the server listening on `port` and its child processes (PostgreSQL's
 * backends), from /proc: the server is found by its command line. Undefined off Linux.
 */
export function serverCpuMs(port: number): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  // `-p <port>` (postgres), `--port <port>` or the `host:port` process title redis sets.
  const flag = new RegExp(`(?:(?:-p|--port)\\s+|:)${port}(?:\\s|$)`);
  const root = pids.find((p) => {
    try {
      return flag.test(readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' '));
    } catch {
      return false;
    }
  });
  if (!root) return undefined;
  const own = stat(root);
  if (!own) return undefined;
  let total = own.cpuMs + own.reapedMs;
  for (const p of pids) {
    const s: ReturnType<typeof stat> = p === root ? undefined : stat(p);
    if (s?.ppid === root) total += s.cpuMs;
  }
  return total;
}
