import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** True for a loopback host: `localhost`, `127.0.0.0/8`, `::1`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || h.startsWith('::ffff:127.');
  return false;
}

/** The hostname part of a `Host` header (`[::1]:4400` → `[::1]`). */
export function hostName(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(hostHeader.trim());
  return m?.[1];
}

export const TOKEN_COOKIE = 'afk_devtools_token';

/** The token a request carries: `Authorization: Bearer`, `x-afk-token`, the cookie, or `?token=`. */
export function requestToken(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const header = req.headers['x-afk-token'];
  if (typeof header === 'string') return header;
  const q = url.searchParams.get('token');
  if (q !== null) return q;
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) {
      try {
        return decodeURIComponent(v.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Constant-time comparison of a presented token with the server's. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The page endpoints answer only the app's own origin: a request that says it comes from
 * another site (`Origin`, or `Sec-Fetch-Site: cross-site`/`same-site`) is refused, so no other
 * web page can read the stream or post into the bridge from a visitor's browser.
 */
export function crossOrigin(req: IncomingMessage): string | undefined {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (origin !== undefined && origin !== 'null') {
    let o: URL;
    try {
      o = new URL(origin);
    } catch {
      return `Origin ${origin} is not a URL`;
    }
    if (o.host !== host) return `Origin ${origin} is not this server's (${host ?? 'no Host'})`;
  } else if (origin === 'null') return 'Origin null (a sandboxed or file page) is not allowed';
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none')
    return `Sec-Fetch-Site: ${site} is not allowed`;
  return undefined;
}
