import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { AfkConfigError, formatIssues, fromZodIssues } from '../../errors/index.js';
import {
  BRIDGE_DECISION_PATHS,
  type BridgeDecisionMessage,
  BridgeDecisionMessageSchema,
  BridgeDecisionReportSchema,
} from '../decision-protocol.js';
import {
  BRIDGE_PATHS,
  BRIDGE_PROTOCOL_VERSION,
  type BridgeErrorBody,
  type BridgeInfo,
  BridgeIngestMessageSchema,
  type BridgeSourceInfo,
} from '../protocol.js';
import { DecisionRouter } from './decision-router.js';
import { crossOrigin, hostName, isLoopbackHost, requestToken, TOKEN_COOKIE, tokenMatches } from './guard.js';
import { BridgeHub } from './hub.js';
import { isAppDir, plain, StaticApp } from './static-app.js';

/** Validates `DevtoolsServerOptions`. */
export const DevtoolsServerOptionsSchema = z.object({
  port: z.number().int().min(0).max(65_535).default(4400),
  host: z.string().min(1).default('127.0.0.1'),
  token: z.string().min(8, 'a token needs at least 8 characters').max(1_000).optional(),
  /** The built devtools app; without it only the bridge endpoints answer. */
  appDir: z.string().optional(),
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(8 * 1024 * 1024),
  replayBatches: z.number().int().nonnegative().default(10_000),
  replayBytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  clientBacklogBytes: z
    .number()
    .int()
    .positive()
    .default(32 * 1024 * 1024),
  sourceIdleMs: z
    .number()
    .int()
    .positive()
    .default(10 * 60_000),
  keepAliveMs: z.number().int().positive().default(15_000),
  /** How long a decision routed to a Node source waits for its report before it reads `not_delivered`. */
  decisionTimeoutMs: z.number().int().positive().default(15_000),
  version: z.string().default('unknown'),
});
export type DevtoolsServerOptions = z.input<typeof DevtoolsServerOptionsSchema>;

/** A running `afk devtools` server. */
export interface DevtoolsServer {
  /** `http://host:port` (the port actually bound). */
  readonly url: string;
  readonly port: number;
  sources(): BridgeSourceInfo[];
  stats(): {
    batches: number;
    duplicates: number;
    dropped: number;
    pages: number;
    evictedClients: number;
    decisions: number;
    refusedDecisions: number;
    decisionListeners: number;
  };
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: BridgeErrorBody['error']['issues'],
  ) {
    super(message);
  }
}

/**
 * Starts the `afk devtools` server: the built app and the bridge on one origin.
 *
 * Loopback only by default; another `host` needs a `token`, which every request must then carry
 * (pages get it once as `?token=` and keep it in an HttpOnly cookie). Loopback servers without
 * a token check the `Host` header (no DNS rebinding). The stream and ingest endpoints refuse
 * other origins. Ingested messages are size-limited (`maxBodyBytes`, 413) and validated with
 * zod (400 with the issues).
 *
 * @example
 * const server = await startDevtoolsServer({ port: 0, appDir: 'node_modules/afk/dist/devtools-app' });
 * console.log(server.url);
 */
export async function startDevtoolsServer(options: DevtoolsServerOptions = {}): Promise<DevtoolsServer> {
  const parsed = DevtoolsServerOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = fromZodIssues(parsed.error.issues);
    throw new AfkConfigError('invalid_config', `Invalid devtools server options:\n${formatIssues(issues)}`, {
      issues,
    });
  }
  const o = parsed.data;
  const loopback = isLoopbackHost(o.host);
  if (!loopback && o.token === undefined)
    throw new AfkConfigError(
      'invalid_config',
      `refusing to listen on ${o.host} without a token: anyone who can reach it could read your runs. Give --token <secret> (or AFK_DEVTOOLS_TOKEN), or listen on 127.0.0.1`,
    );
  const app = o.appDir !== undefined && isAppDir(o.appDir) ? new StaticApp(o.appDir) : undefined;
  const hub = new BridgeHub(o, `afk devtools ${o.version}`);
  const router = new DecisionRouter((id) => hub.hasSource(id), o.decisionTimeoutMs);
  const info: BridgeInfo = {
    app: 'afk-devtools',
    version: o.version,
    protocol: BRIDGE_PROTOCOL_VERSION,
    tokenRequired: o.token !== undefined,
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    // DNS rebinding: a loopback server without a token only answers loopback host names.
    const name = hostName(req.headers.host);
    if (o.token === undefined && (name === undefined || !isLoopbackHost(name)))
      throw new HttpError(403, 'bad_host', `Host ${req.headers.host ?? '(none)'} is not a loopback name`);
    if (o.token !== undefined) {
      const presented = requestToken(req, url);
      if (!tokenMatches(presented, o.token))
        throw new HttpError(
          401,
          'unauthorized',
          presented === undefined ? 'this server needs its token' : 'wrong token',
        );
      if (url.searchParams.has('token') && req.method === 'GET' && !url.pathname.startsWith('/__afk/')) {
        // Trade the token in the URL for a cookie, and drop it from the address bar.
        url.searchParams.delete('token');
        res.writeHead(303, {
          location: url.pathname + url.search,
          'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(o.token)}; HttpOnly; SameSite=Strict; Path=/`,
        });
        res.end();
        return;
      }
    }
    const path = url.pathname;
    if (path.startsWith('/__afk/')) {
      const bad = crossOrigin(req);
      if (bad) throw new HttpError(403, 'cross_origin', bad);
      if (path === BRIDGE_PATHS.info) {
        allow(req, ['GET', 'HEAD']);
        return json(res, 200, info);
      }
      if (path === BRIDGE_PATHS.stream) {
        allow(req, ['GET']);
        const last = Number(req.headers['last-event-id'] ?? url.searchParams.get('lastEventId') ?? -1);
        res.writeHead(200, SSE_HEADERS);
        hub.connect(res, Number.isSafeInteger(last) ? last : -1);
        return;
      }
      if (path === BRIDGE_PATHS.ingest) {
        allow(req, ['POST']);
        const msg = parseMessage(
          BridgeIngestMessageSchema,
          await readJson(req, o.maxBodyBytes),
          'a bridge message',
        );
        const accepted = hub.ingest(msg);
        if (!accepted.duplicate) router.track(msg);
        return json(res, 200, accepted);
      }
      if (path === BRIDGE_DECISION_PATHS.decide) {
        allow(req, ['POST']);
        const msg = parseMessage(
          BridgeDecisionMessageSchema,
          await readJson(req, DECISION_BODY_BYTES),
          'a decision message',
        );
        const r = router.decide(msg as BridgeDecisionMessage);
        if (!r.ok) throw new HttpError(r.refusal.status, r.refusal.code, r.refusal.message);
        return json(res, 202, r.value);
      }
      if (path === BRIDGE_DECISION_PATHS.outcome) {
        allow(req, ['POST']);
        const msg = parseMessage(
          BridgeDecisionReportSchema,
          await readJson(req, REPORT_BODY_BYTES),
          'a decision report',
        );
        const status = router.report(msg);
        if (!status)
          throw new HttpError(
            404,
            'unknown_decision',
            `no decision ${msg.id} on approval ${msg.approvalId} was routed to ${msg.source}`,
          );
        return json(res, 200, status);
      }
      if (path === BRIDGE_DECISION_PATHS.status) {
        allow(req, ['GET']);
        const source = url.searchParams.get('source') ?? '';
        const id = Number(url.searchParams.get('id'));
        const waitMs = Number(url.searchParams.get('waitMs') ?? 0);
        if (source.length === 0 || source.length > 200 || !Number.isSafeInteger(id) || id < 0)
          throw new HttpError(400, 'invalid_query', 'give ?source=<source id>&id=<decision number>');
        if (!Number.isFinite(waitMs) || waitMs < 0)
          throw new HttpError(400, 'invalid_query', 'waitMs is a number of milliseconds');
        const gone = new AbortController();
        res.on('close', () => gone.abort());
        const status = await router.status(source, id, waitMs, gone.signal);
        if (!status)
          throw new HttpError(404, 'unknown_decision', `the server knows no decision ${id} of ${source}`);
        return json(res, 200, status);
      }
      if (path === BRIDGE_DECISION_PATHS.decisions) {
        allow(req, ['GET']);
        const source = url.searchParams.get('source') ?? '';
        if (source.length === 0 || source.length > 200)
          throw new HttpError(
            400,
            'invalid_source',
            'give ?source=<the bridge source id> (1-200 characters)',
          );
        const last = Number(req.headers['last-event-id'] ?? url.searchParams.get('lastEventId') ?? -1);
        res.writeHead(200, SSE_HEADERS);
        router.connect(res, source, Number.isSafeInteger(last) ? last : -1);
        return;
      }
      throw new HttpError(404, 'not_found', `no bridge endpoint ${path}`);
    }
    allow(req, ['GET', 'HEAD']);
    if (!app) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(
        `afk devtools: the devtools app is not built (looked in ${o.appDir ?? '(no app directory)'}).\nThe bridge endpoints (${BRIDGE_PATHS.ingest}, ${BRIDGE_PATHS.stream}) work.\n`,
      );
      return;
    }
    await app.serve(path, res, req.method === 'HEAD');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof HttpError) {
        const body: BridgeErrorBody = {
          error: { code: e.code, message: e.message, ...(e.issues ? { issues: e.issues } : {}) },
        };
        json(res, e.status, body, e.status === 413 ? { connection: 'close' } : {});
        if (e.status === 413) req.destroy();
        return;
      }
      plain(res, 500, `internal error: ${e instanceof Error ? e.message : String(e)}`);
    });
  });
  const keepAlive = setInterval(() => {
    hub.keepAlive();
    router.keepAlive();
  }, o.keepAliveMs);
  keepAlive.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    sources: () => hub.list(),
    stats: () => ({
      ...hub.counters,
      ...router.counters,
      pages: hub.clientCount,
      decisionListeners: router.listeners,
    }),
    close: async () => {
      clearInterval(keepAlive);
      hub.close();
      router.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A decision is small: a page never needs more (edited args included). */
const DECISION_BODY_BYTES = 256 * 1024;
/** A decision report is a code and a sentence. */
const REPORT_BODY_BYTES = 16 * 1024;

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/** Reads a JSON request body (415 unless `application/json`, 413 over `max`, 400 unless JSON). */
async function readJson(req: IncomingMessage, max: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type))
    throw new HttpError(415, 'unsupported_media_type', 'send application/json');
  const body = await readBody(req, max);
  try {
    return JSON.parse(body);
  } catch (e) {
    throw new HttpError(400, 'invalid_json', `the body is not JSON: ${(e as Error).message}`);
  }
}

/** Validates a parsed body (400 `invalid_message` with zod's issues, paths included). */
function parseMessage<T extends z.ZodType>(schema: T, data: unknown, what: string): z.output<T> {
  const msg = schema.safeParse(data);
  if (msg.success) return msg.data;
  const issues = fromZodIssues(msg.error.issues).slice(0, 20);
  throw new HttpError(
    400,
    'invalid_message',
    `not ${what}: ${issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ')}`,
    issues.map((i) => ({ path: i.path, message: i.message })),
  );
}

function allow(req: IncomingMessage, methods: string[]): void {
  if (!methods.includes(req.method ?? 'GET'))
    throw new HttpError(
      405,
      'method_not_allowed',
      `${req.method} is not allowed here (${methods.join(', ')})`,
    );
}

function json(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...extra,
  });
  res.end(text);
}

/** Reads a request body up to `max` bytes (413 beyond, by `Content-Length` or as it streams). */
async function readBody(req: IncomingMessage, max: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max)
    throw new HttpError(413, 'too_large', `the body is ${declared} bytes; the limit is ${max}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new HttpError(413, 'too_large', `the body is over the limit of ${max} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
