import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { AfkConfigError } from '../errors/index.js';
import { isLoopbackHost } from './http-guard.js';

/** Where a Node listener is reachable; `close()` stops it (open streams are ended). */
export interface NodeListener {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

/** Options of `listen` on the protocol servers. Default host `127.0.0.1`, port 0 (a free one). */
export interface ListenOptions {
  port?: number;
  host?: string;
}

/**
 * Serves a fetch-style handler on `node:http`. Refuses a non-loopback host when the server has
 * no auth: an unauthenticated server is reachable from this machine only.
 */
export async function serveFetch(
  handler: (req: Request) => Promise<Response>,
  opts: ListenOptions,
  hasAuth: boolean,
  label: string,
): Promise<NodeListener> {
  const host = opts.host ?? '127.0.0.1';
  if (!hasAuth && !isLoopbackHost(host)) {
    throw new AfkConfigError(
      'invalid_config',
      `${label}: listening on ${host} needs auth (bearerTokens, apiKeys or a function); without auth only loopback hosts are allowed`,
    );
  }
  const server = createServer((req, res) => {
    void bridge(handler, req, res);
  });
  // Idle keep-alive sockets stay open long enough that a busy client reusing one does not race
  // the server closing it (Node's 5 s default loses that race under load).
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A deep accept queue, so a burst of connections is served rather than reset.
    server.listen({ port: opts.port ?? 0, host, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    port,
    host,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function bridge(
  handler: (req: Request) => Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const controller = new AbortController();
  res.on('close', () => controller.abort());
  try {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v) headers.append(k, item);
      else headers.set(k, v);
    }
    const method = req.method ?? 'GET';
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
      method,
      headers,
      signal: controller.signal,
      ...(hasBody
        ? { body: Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>, duplex: 'half' as const }
        : {}),
    } as RequestInit);
    const response = await handler(request);
    res.statusCode = response.status;
    response.headers.forEach((value, key) => {
      res.setHeader(key, value);
    });
    if (!response.body) {
      res.end();
      return;
    }
    res.flushHeaders();
    const reader = response.body.getReader();
    controller.signal.addEventListener('abort', () => void reader.cancel().catch(() => undefined), {
      once: true,
    });
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      res.write(value);
    }
    res.end();
  } catch {
    if (!res.headersSent) {
      res.statusCode = 500;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: null }),
      );
    } else res.end();
  }
}
