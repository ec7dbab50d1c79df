// Shared by the bridge's HTTP tests: real `afk devtools` servers on loopback (port 0) that are
// closed after each test, with whatever else a test registers to close first, and a tiny HTTP
// client that answers status and body text.
import { request } from 'node:http';
import { afterEach } from 'vitest';
import { type DevtoolsServer, type DevtoolsServerOptions, startDevtoolsServer } from '../server/server.js';

/** Registers the after-each cleanup; `server()` starts one, `closers` close (in reverse) before the servers. */
export function useDevtoolsServers(): {
  server: (o?: DevtoolsServerOptions) => Promise<DevtoolsServer>;
  closers: Array<() => unknown>;
} {
  const servers: DevtoolsServer[] = [];
  const closers: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
    for (const s of servers.splice(0)) await s.close();
  });
  return {
    closers,
    server: async (o = {}) => {
      const s = await startDevtoolsServer({ port: 0, ...o });
      servers.push(s);
      return s;
    },
  };
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** One HTTP request (default GET) to `path` on `base`; resolves with the status and body text. */
export function httpRequest(
  base: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, base),
      { method: opts.method ?? 'GET', headers: opts.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
