import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { BRIDGE_META_NAME } from '../protocol.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** True when `dir` holds a built devtools app (an `index.html`). */
export function isAppDir(dir: string): boolean {
  return existsSync(join(dir, 'index.html'));
}

/**
 * Serves the built devtools app from `dir`: files by path (never outside `dir`), `index.html`
 * for paths without an extension (the app routes in the hash, but a bookmarked path still
 * opens it), with the bridge's meta tag injected into every HTML page so the page knows it
 * was served by `afk devtools`.
 */
export class StaticApp {
  private readonly root: string;
  private readonly html = new Map<string, Buffer>();

  constructor(dir: string) {
    this.root = resolve(dir);
  }

  async serve(pathname: string, res: ServerResponse, head: boolean): Promise<void> {
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return plain(res, 400, 'bad path');
    }
    if (rel.includes('\0')) return plain(res, 400, 'bad path');
    if (rel.endsWith('/')) rel += 'index.html';
    let file = normalize(join(this.root, rel));
    if (file !== this.root && !file.startsWith(this.root + sep)) return plain(res, 404, 'not found');
    if (!isFile(file)) {
      if (extname(rel) !== '') return plain(res, 404, 'not found');
      file = join(this.root, 'index.html');
    }
    const ext = extname(file);
    const body = ext === '.html' ? this.page(file) : await readFile(file);
    res.writeHead(200, {
      'content-type': TYPES[ext] ?? 'application/octet-stream',
      'content-length': body.length,
      // Hashed assets may be cached; pages are re-read so a rebuilt app is picked up.
      'cache-control': ext === '.html' ? 'no-cache' : 'public, max-age=3600',
      'x-content-type-options': 'nosniff',
      ...(ext === '.html' ? { 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' } : {}),
    });
    res.end(head ? undefined : body);
  }

  private page(file: string): Buffer {
    const cached = this.html.get(file);
    if (cached) return cached;
    const src = readFileSync(file, 'utf8');
    const meta = `<meta name="${BRIDGE_META_NAME}" content="/__afk/bridge">`;
    const out = Buffer.from(
      src.includes('</head>') ? src.replace('</head>', `  ${meta}\n  </head>`) : meta + src,
    );
    this.html.set(file, out);
    return out;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end(`${text}\n`);
}
