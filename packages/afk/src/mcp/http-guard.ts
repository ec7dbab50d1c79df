import { z } from 'zod';

/**
 * Who may call an AFK protocol server (`MCPServer`, `A2AServer`): static bearer tokens
 * (`Authorization: Bearer <token>`), static API keys (`X-API-Key: <key>`), or a function of the
 * request (return `true` to accept; `false` or anything else is a 401; a function that throws or
 * rejects is also a 401, "the auth check failed", never a 500). The function sees the request
 * before its body is read: check headers, do not consume the body. Without `auth` a server only
 * answers requests addressed to a loopback host.
 *
 * @example
 * new MCPServer({ name: 'tools', version: '1.0.0', tools, auth: { bearerTokens: [process.env.MCP_TOKEN!] } });
 */
export type ServerAuth =
  | { bearerTokens?: string[]; apiKeys?: string[] }
  | ((req: Request) => boolean | Promise<boolean>);

export const ServerAuthSchema: z.ZodType<ServerAuth> = z.union([
  z
    .object({
      bearerTokens: z.array(z.string().min(1)).optional(),
      apiKeys: z.array(z.string().min(1)).optional(),
    })
    .strict()
    .refine((a) => (a.bearerTokens?.length ?? 0) + (a.apiKeys?.length ?? 0) > 0, {
      message: 'give at least one bearer token or API key (or an auth function)',
    }),
  z.custom<(req: Request) => boolean | Promise<boolean>>((v) => typeof v === 'function'),
]) as z.ZodType<ServerAuth>;

/** The HTTP hardening shared by the protocol servers. */
export interface HttpGuardOptions {
  auth?: ServerAuth | undefined;
  /** Browser origins allowed to call (the `Origin` header); requests without `Origin` pass. Default: none. */
  allowedOrigins?: string[] | undefined;
  /** Extra hosts (the `Host` header, `name[:port]`) served without auth; loopback is always allowed. */
  allowedHosts?: string[] | undefined;
  /** CORS response headers for these origins (default: off). Listed origins are also allowed. */
  cors?: { origins: string[] } | undefined;
  /** Largest request body accepted, in bytes (default 1 MiB). */
  maxBodyBytes?: number | undefined;
}

export const HttpGuardOptionsShape = {
  auth: ServerAuthSchema.optional(),
  allowedOrigins: z.array(z.string().url()).optional(),
  allowedHosts: z.array(z.string().min(1)).optional(),
  cors: z
    .object({ origins: z.array(z.string().url()) })
    .strict()
    .optional(),
  maxBodyBytes: z.number().int().positive().optional(),
};

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** True for loopback host names (`localhost`, `127.0.0.1`, `::1`). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function hostOf(req: Request): string {
  const header = req.headers.get('host');
  if (header) return header.toLowerCase();
  try {
    return new URL(req.url).host.toLowerCase();
  } catch {
    return '';
  }
}

function hostnameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/** Compares two secrets in time that does not depend on where they differ. */
function safeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}

function jsonError(status: number, message: string, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }), {
    status,
    headers: { 'content-type': 'application/json', ...extra },
  });
}

/** `ok`, `denied` (no or wrong credentials), or `failed` (the auth function threw). */
async function authorized(req: Request, auth: ServerAuth): Promise<'ok' | 'denied' | 'failed'> {
  if (typeof auth === 'function') {
    try {
      return (await auth(req)) === true ? 'ok' : 'denied';
    } catch {
      // Never a 500, and never the thrown message (it may name internals): a plain refusal.
      return 'failed';
    }
  }
  const header = req.headers.get('authorization') ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  if (bearer !== undefined && (auth.bearerTokens ?? []).some((t) => safeEqual(t, bearer))) return 'ok';
  const key = req.headers.get('x-api-key');
  return key !== null && (auth.apiKeys ?? []).some((k) => safeEqual(k, key)) ? 'ok' : 'denied';
}

/**
 * Checks a request before any protocol code sees it: Origin (DNS rebinding and cross-site calls),
 * the declared body size, then auth; without auth, only loopback hosts (or `allowedHosts`).
 * `public` requests (an A2A agent card) skip auth and the host check.
 * Returns the refusal, or undefined to go on. CORS preflights are answered here when configured.
 */
export async function guardRequest(
  req: Request,
  opts: HttpGuardOptions,
  access: 'private' | 'public' = 'private',
): Promise<Response | undefined> {
  const origin = req.headers.get('origin');
  const corsOrigins = opts.cors?.origins ?? [];
  if (origin !== null && !(opts.allowedOrigins ?? []).includes(origin) && !corsOrigins.includes(origin)) {
    return jsonError(403, `Forbidden: Origin ${origin} is not allowed`);
  }
  if (req.method === 'OPTIONS') {
    if (origin !== null && corsOrigins.includes(origin)) return new Response(null, { status: 204 });
    return jsonError(405, 'Method not allowed');
  }
  const max = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > max) {
    return jsonError(413, `Payload too large: over ${max} bytes`);
  }
  if (access === 'public') return undefined;
  if (opts.auth) {
    const verdict = await authorized(req, opts.auth);
    if (verdict !== 'ok') {
      return jsonError(
        401,
        verdict === 'failed'
          ? 'Unauthorized: the auth check failed, so the request was refused'
          : 'Unauthorized: missing or invalid credentials',
        { 'www-authenticate': 'Bearer' },
      );
    }
    return undefined;
  }
  const host = hostOf(req);
  if (!isLoopbackHost(hostnameOf(host)) && !(opts.allowedHosts ?? []).includes(host)) {
    return jsonError(403, `Forbidden: host ${host || '(none)'} needs auth (this server has none configured)`);
  }
  return undefined;
}

/** Adds CORS headers to a response when the request's origin is configured for CORS. */
export function applyCors(req: Request, res: Response, opts: HttpGuardOptions): Response {
  const origin = req.headers.get('origin');
  if (origin === null || !(opts.cors?.origins ?? []).includes(origin)) return res;
  const headers = new Headers(res.headers);
  headers.set('access-control-allow-origin', origin);
  headers.set('vary', 'Origin');
  headers.set('access-control-allow-methods', 'GET, POST, DELETE, OPTIONS');
  headers.set(
    'access-control-allow-headers',
    'authorization, content-type, x-api-key, mcp-session-id, mcp-protocol-version, last-event-id, accept, a2a-version, a2a-extensions',
  );
  headers.set('access-control-expose-headers', 'mcp-session-id, mcp-protocol-version');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

/**
 * Reads a request body as text, refusing more than `max` bytes even when no `Content-Length`
 * was sent. Returns undefined when the body is too large.
 */
export async function readBodyLimited(req: Request, max: number): Promise<string | undefined> {
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}
