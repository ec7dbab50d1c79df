import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_PATHS } from '../protocol.js';
import { events, message, record } from '../test-support/batches.js';
import { SseClient } from '../test-support/sse.js';
import { type DevtoolsServer, type DevtoolsServerOptions, startDevtoolsServer } from './server.js';

// The real server on loopback, on a free port; requests by node:http (which sets any header,
// as a hostile client would), streams read as a page reads them.
const dir = mkdtempSync(join(tmpdir(), 'afk-devtools-app-'));
const app = join(dir, 'app');
const servers: DevtoolsServer[] = [];
const clients: SseClient[] = [];

beforeAll(() => {
  mkdirSync(join(app, 'assets'), { recursive: true });
  writeFileSync(
    join(app, 'index.html'),
    '<!doctype html><html><head><title>x</title></head><body>app</body></html>',
  );
  writeFileSync(join(app, 'assets/app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'outside the app');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
});

async function start(o: DevtoolsServerOptions = {}): Promise<DevtoolsServer> {
  const s = await startDevtoolsServer({ port: 0, appDir: app, ...o });
  servers.push(s);
  return s;
}

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with any headers (Host included), body as given. */
function send(
  base: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, base),
      { method: opts.method ?? 'GET', headers: opts.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const post = (base: string, body: unknown, headers: Record<string, string> = {}) =>
  send(base, BRIDGE_PATHS.ingest, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const stream = (s: DevtoolsServer, headers: Record<string, string> = {}, query = '') => {
  const c = new SseClient(`${s.url}${BRIDGE_PATHS.stream}${query}`, headers);
  clients.push(c);
  return c;
};

describe('afk devtools server', { timeout: 30_000 }, () => {
  it('serves the app with the bridge meta tag, falls back to index.html, never leaves the app dir', async () => {
    const s = await start();
    const page = await send(s.url, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<meta name="afk-bridge" content="/__afk/bridge">');
    expect((await send(s.url, '/runs/some-run')).body).toContain('afk-bridge');
    const js = await send(s.url, '/assets/app.js');
    expect(js.headers['content-type']).toContain('text/javascript');
    expect((await send(s.url, '/assets/missing.js')).status).toBe(404);
    for (const evil of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%00'])
      expect((await send(s.url, evil)).body).not.toContain('outside the app');
    const info = JSON.parse((await send(s.url, BRIDGE_PATHS.info)).body);
    expect(info).toMatchObject({ app: 'afk-devtools', protocol: 1, tokenRequired: false });
  });

  it('says so when the app is not built', async () => {
    const s = await start({ appDir: join(dir, 'nope') });
    const r = await send(s.url, '/');
    expect(r.status).toBe(503);
    expect(r.body).toContain('the devtools app is not built');
  });

  it('validates every ingest message: JSON, schema, content type, method, size', async () => {
    const s = await start({ maxBodyBytes: 64 * 1024 });
    const notJson = await post(s.url, '{"v":1,');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.code).toBe('invalid_json');

    const bad = await post(s.url, message(0, [{ events: [{ ...events('r1', 0, 0)[0], seq: -1 }] }]));
    expect(bad.status).toBe(400);
    const err = JSON.parse(bad.body).error;
    expect(err.code).toBe('invalid_message');
    expect(err.issues[0].path).toEqual(['batches', 0, 'events', 0, 'seq']);

    for (const junk of [null, [], { v: 2 }, { v: 1, source: { id: '', label: '' }, seq: 0, batches: [] }])
      expect((await post(s.url, junk)).status).toBe(400);
    expect((await post(s.url, message(0, []), { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await send(s.url, BRIDGE_PATHS.ingest)).status).toBe(405);
    expect((await send(s.url, '/__afk/bridge/nope')).status).toBe(404);

    const huge = message(0, [{ events: events('r1', 0, 0) }], {
      source: { id: 'x', label: 'y'.repeat(100) },
    });
    const big = JSON.stringify({ ...huge, pad: 'x'.repeat(100 * 1024) });
    const tooLarge = await post(s.url, big);
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body).error.code).toBe('too_large');
    expect(s.stats().batches).toBe(0);
    // a valid one goes through
    const ok = await post(s.url, message(0, [{ events: events('r1', 0, 1), run: record('r1', 1) }]));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ accepted: 1, duplicate: false, firstId: 0, lastId: 0 });
  });

  it('fans batches out to every page in order, replays them to late pages, drops repeated posts', async () => {
    const s = await start();
    const a = stream(s);
    const b = stream(s);
    await Promise.all([a.waitFor('hello'), b.waitFor('hello')]);
    await post(s.url, message(0, [{ events: events('r1', 0, 1) }, { events: events('r1', 2, 2) }]));
    await post(s.url, message(0, [{ events: events('r1', 2, 2) }])); // a retried post: same seq
    await post(s.url, message(1, [{ events: events('r1', 3, 3), run: record('r1', 3) }]));
    for (const c of [a, b]) {
      const got = await c.waitFor('batch', 3);
      expect(got.map((e) => e.id)).toEqual(['0', '1', '2']);
      expect(JSON.parse(got[2]!.data).batch.run.lastSeq).toBe(3);
      expect(JSON.parse(got[0]!.data).source).toEqual({ id: 'node:1:test', label: 'test' });
    }
    expect(s.stats()).toMatchObject({ batches: 3, duplicates: 1, pages: 2 });
    // A page connecting later gets everything; one resuming after id 1 gets only the rest.
    const late = stream(s);
    expect((await late.waitFor('batch', 3)).map((e) => e.id)).toEqual(['0', '1', '2']);
    const resumed = stream(s, { 'last-event-id': '1' });
    await resumed.waitFor('sources');
    expect(resumed.of('batch').map((e) => e.id)).toEqual(['2']);
  });

  it('lists the sending sources and drops one that closes', async () => {
    const s = await start();
    const page = stream(s);
    await page.waitFor('sources');
    await post(s.url, message(0, [{ events: events('r1', 0, 0) }]));
    const listed = await page.waitFor('sources', 2);
    expect(JSON.parse(listed[1]!.data).sources).toMatchObject([
      { id: 'node:1:test', label: 'test', batches: 1 },
    ]);
    await post(s.url, message(1, [], { closing: true }));
    const after = await page.waitFor('sources', 3);
    expect(JSON.parse(after[2]!.data).sources).toEqual([]);
    expect(s.sources()).toEqual([]);
  });

  it('answers only its own origin on the bridge endpoints, and only loopback Host names', async () => {
    const s = await start();
    const host = new URL(s.url).host;
    const cross = stream(s, { origin: 'http://evil.example' });
    await cross.ready;
    expect(cross.status).toBe(403);
    const site = stream(s, { 'sec-fetch-site': 'cross-site' });
    await site.ready;
    expect(site.status).toBe(403);
    const nul = await post(s.url, message(0, []), { origin: 'null' });
    expect(nul.status).toBe(403);
    const evilPost = await post(s.url, message(0, []), { origin: 'http://evil.example' });
    expect(evilPost.status).toBe(403);
    expect(JSON.parse(evilPost.body).error.code).toBe('cross_origin');
    expect((await post(s.url, message(0, []), { origin: `http://${host}` })).status).toBe(200);
    const same = stream(s, { origin: `http://${host}`, 'sec-fetch-site': 'same-origin' });
    await same.ready;
    expect(same.status).toBe(200);
    // DNS rebinding: evil.example resolving to 127.0.0.1 still sends its own name as Host.
    const rebound = await send(s.url, '/', { headers: { host: `evil.example:${s.port}` } });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).error.code).toBe('bad_host');
    expect((await send(s.url, '/', { headers: { host: `localhost:${s.port}` } })).status).toBe(200);
  });

  it('refuses a non-loopback address without a token, and then needs the token on every request', async () => {
    await expect(startDevtoolsServer({ port: 0, host: '0.0.0.0' })).rejects.toMatchObject({
      code: 'invalid_config',
      message: expect.stringContaining('refusing to listen on 0.0.0.0 without a token'),
    });
    await expect(startDevtoolsServer({ port: 0, token: 'short' })).rejects.toMatchObject({
      code: 'invalid_config',
    });
    const token = 'a-long-enough-secret';
    const s = await start({ host: '0.0.0.0', token });
    const base = `http://127.0.0.1:${s.port}`;
    expect((await send(base, '/')).status).toBe(401);
    expect((await send(base, BRIDGE_PATHS.info)).status).toBe(401);
    expect((await post(base, message(0, []))).status).toBe(401);
    const wrong = await post(base, message(0, []), { authorization: 'Bearer wrong-but-long-enough' });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body).error.message).toBe('wrong token');
    expect((await post(base, message(0, []), { authorization: `Bearer ${token}` })).status).toBe(200);
    // A person opens the printed URL once: the token becomes an HttpOnly cookie, the URL loses it.
    const opened = await send(base, `/?token=${token}`);
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe('/');
    const cookie = String(opened.headers['set-cookie']).split(';')[0] as string;
    expect(String(opened.headers['set-cookie'])).toContain('HttpOnly');
    const page = await send(base, '/', { headers: { cookie } });
    expect(page.status).toBe(200);
    const sse = new SseClient(`${base}${BRIDGE_PATHS.stream}`, { cookie });
    clients.push(sse);
    await sse.waitFor('hello');
    expect(
      JSON.parse((await send(base, BRIDGE_PATHS.info, { headers: { cookie } })).body).tokenRequired,
    ).toBe(true);
  });
});
