import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One SSE event the server writes: `data` is JSON-encoded unless it is already a string. */
export interface SseEvent {
  data: unknown;
  event?: string;
  /** Wait this long before writing the event. */
  delayMs?: number;
}

/** What the server answers to the next request of a session (queue order, whatever the path). */
export type ScriptedReply =
  | { kind: 'json'; status?: number; headers?: Record<string, string>; body: unknown; delayMs?: number }
  | { kind: 'raw'; status?: number; headers?: Record<string, string>; body: string; delayMs?: number }
  | {
      kind: 'sse';
      status?: number;
      headers?: Record<string, string>;
      events: SseEvent[];
      /** After the events: finish with `[DONE]` (default), cut the socket, or go silent until the client leaves. */
      end?: 'done' | 'close' | 'cut' | 'idle';
    }
  /** Never answer; the request stays open until the client goes away. */
  | { kind: 'hang' }
  /** An error whose message echoes the request's headers (a server that leaks credentials). */
  | { kind: 'echo_headers'; status?: number };

/** A request as the server received it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  /** True once the client closed the connection before the reply was complete. */
  clientClosed: boolean;
}

/** A scripted slice of the server with its own base URL, reply queue and request log. */
export interface ServerSession {
  readonly id: string;
  /** OpenAI-style base URL of this session, ending in `/v1`. */
  readonly baseURL: string;
  readonly requests: ReceivedRequest[];
  enqueue(...replies: ScriptedReply[]): void;
  /** Resolves once the client of request `index` has closed its connection early. */
  waitForClientClose(index: number): Promise<void>;
}

export interface OpenAITestServer {
  readonly url: string;
  session(): ServerSession;
  close(): Promise<void>;
}

interface SessionState extends ServerSession {
  queue: ScriptedReply[];
  closeWaiters: Map<number, () => void>;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': '*',
  'access-control-allow-methods': 'GET,POST,OPTIONS',
  'access-control-expose-headers': '*',
};

/**
 * A local OpenAI-wire HTTP server for offline tests (127.0.0.1, random port). Each test takes a
 * `session()`: its own base URL (`<url>/s/<id>/v1`), a queue of scripted replies (JSON with any
 * status and headers, raw malformed bodies, real SSE streams with delays, cut or idle endings)
 * and a log of received requests. Browser tests drive it over HTTP: `POST /__control/sessions`,
 * `POST /__control/s/<id>/enqueue` (body: replies[]), `GET /__control/s/<id>/requests`.
 *
 * @example
 * const server = await startOpenAITestServer();
 * const s = server.session();
 * s.enqueue({ kind: 'json', body: chatCompletion({ text: 'hi' }) });
 */
export async function startOpenAITestServer(): Promise<OpenAITestServer> {
  const sessions = new Map<string, SessionState>();
  let nextId = 1;
  let url = '';

  const makeSession = (): SessionState => {
    const id = String(nextId++);
    const s: SessionState = {
      id,
      baseURL: `${url}/s/${id}/v1`,
      requests: [],
      queue: [],
      closeWaiters: new Map(),
      enqueue: (...replies) => {
        s.queue.push(...replies);
      },
      waitForClientClose: (index) =>
        new Promise<void>((resolve) => {
          if (s.requests[index]?.clientClosed) resolve();
          else s.closeWaiters.set(index, resolve);
        }),
    };
    sessions.set(id, s);
    return s;
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'OPTIONS') {
      // A wildcard does not cover Authorization: echo what the browser asks for.
      const asked = req.headers['access-control-request-headers'];
      res.writeHead(204, { ...CORS, ...(asked ? { 'access-control-allow-headers': asked } : {}) }).end();
      return;
    }
    const raw = await readBody(req);
    if (path === '/__control/sessions' && req.method === 'POST') {
      const s = makeSession();
      return sendJson(res, 200, { id: s.id, baseURL: s.baseURL });
    }
    const control = /^\/__control\/s\/([^/]+)\/(enqueue|requests)$/.exec(path);
    if (control) {
      const s = sessions.get(control[1] ?? '');
      if (!s) return sendJson(res, 404, { error: 'no such session' });
      if (control[2] === 'enqueue') {
        s.enqueue(...(JSON.parse(raw) as ScriptedReply[]));
        return sendJson(res, 200, { queued: s.queue.length });
      }
      return sendJson(res, 200, s.requests);
    }
    const m = /^\/s\/([^/]+)(\/.*)$/.exec(path);
    const s = m ? sessions.get(m[1] ?? '') : undefined;
    if (!s || !m) return sendJson(res, 404, { error: { message: `unknown path ${path}` } });
    const record: ReceivedRequest = {
      method: req.method ?? 'GET',
      path: m[2] ?? '',
      headers: flatHeaders(req),
      body: parseMaybe(raw),
      clientClosed: false,
    };
    const index = s.requests.push(record) - 1;
    res.on('close', () => {
      if (res.writableFinished) return;
      record.clientClosed = true;
      s.closeWaiters.get(index)?.();
    });
    const reply = s.queue.shift();
    if (!reply) return sendJson(res, 500, { error: { message: 'test server: no scripted reply left' } });
    await play(reply, res, record);
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    session: makeSession,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function play(reply: ScriptedReply, res: ServerResponse, request: ReceivedRequest): Promise<void> {
  if (reply.kind === 'hang') return;
  if (reply.kind === 'echo_headers') {
    const message = `rejected request with headers ${JSON.stringify(request.headers)}`;
    return sendJson(res, reply.status ?? 400, {
      error: { message, type: 'invalid_request_error', headers: request.headers },
    });
  }
  if (reply.kind === 'json' || reply.kind === 'raw') {
    if (reply.delayMs) await wait(reply.delayMs, res);
    if (res.destroyed) return;
    const body = reply.kind === 'json' ? JSON.stringify(reply.body) : reply.body;
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...CORS, ...reply.headers });
    res.end(body);
    return;
  }
  res.writeHead(reply.status ?? 200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    ...CORS,
    ...reply.headers,
  });
  res.flushHeaders();
  for (const ev of reply.events) {
    if (ev.delayMs) await wait(ev.delayMs, res);
    if (res.destroyed) return;
    const data = typeof ev.data === 'string' ? ev.data : JSON.stringify(ev.data);
    res.write(`${ev.event ? `event: ${ev.event}\n` : ''}data: ${data}\n\n`);
  }
  const end = reply.end ?? 'done';
  if (end === 'idle') return;
  if (end === 'cut') {
    // Let the written events reach the client first, then drop the connection mid-stream.
    await new Promise<void>((resolve) => res.write('', () => resolve()));
    await wait(20, res);
    res.socket?.destroy();
    return;
  }
  res.end(end === 'done' ? 'data: [DONE]\n\n' : undefined);
}

/** Waits `ms`, or less if the client goes away first. */
function wait(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      res.off('close', done);
      resolve();
    }
    res.on('close', done);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', ...CORS });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function parseMaybe(raw: string): unknown {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
