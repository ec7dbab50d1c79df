import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Runner } from '../core/runner.js';
import type { AfkError } from '../errors/index.js';
import type { ApprovalRequest } from '../events/records.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { type DevtoolsBridge, devtoolsBridge } from './bridge.js';
import type { BridgeDecisionOutcome } from './decision-apply.js';
import { BRIDGE_DECISION_PATHS } from './decision-protocol.js';
import { applyBridgeBatch } from './ingest.js';
import { BRIDGE_PATHS, type BridgeStreamBatch } from './protocol.js';
import type { DevtoolsServer } from './server/server.js';
import { mailer } from './test-support/mailer.js';
import { type HttpAnswer, httpRequest, useDevtoolsServers } from './test-support/servers.js';
import { SseClient } from './test-support/sse.js';

// The two-way bridge over real HTTP on loopback: a Node Runner whose run pauses for approval,
// the real `afk devtools` server, and a "page" (an SSE client applying batches to its own store,
// posting decisions as the devtools page does).
const { server, closers } = useDevtoolsServers();

type Res = HttpAnswer;
const send = httpRequest;
const decide = (base: string, body: unknown, headers: Record<string, string> = {}) =>
  send(base, BRIDGE_DECISION_PATHS.decide, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const code = (r: Res) => (JSON.parse(r.body) as { error: { code: string } }).error.code;

/** A page: applies the stream's batches in order to its own store. */
function page(s: DevtoolsServer, headers: Record<string, string> = {}) {
  const store = new InMemoryStore();
  const sse = new SseClient(`${s.url}${BRIDGE_PATHS.stream}`, headers);
  closers.push(() => sse.close());
  let applied = 0;
  let chain = Promise.resolve();
  /** Applies batches until `until` holds (bounded). */
  const until = async (check: () => Promise<boolean>, ms = 10_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      await sse.waitFor('batch', applied + 1, Math.max(1, deadline - Date.now())).catch(() => undefined);
      const got = sse.of('batch');
      for (const e of got.slice(applied)) {
        const msg = JSON.parse(e.data) as BridgeStreamBatch;
        chain = chain.then(async () => {
          await applyBridgeBatch(store, msg.batch);
        });
      }
      applied = got.length;
      await chain;
      if (await check()) return;
      if (Date.now() > deadline) throw new Error('the page never saw what it waited for');
    }
  };
  return { store, sse, until };
}

/** A Node process: a Runner through the bridge, its run paused on one approval. */
async function nodeProcess(s: DevtoolsServer, opts: { token?: string; accept?: boolean } = {}) {
  const sent: string[] = [];
  const agent = mailer(sent);
  const errors: AfkError[] = [];
  const bridge: DevtoolsBridge = devtoolsBridge({
    url: s.url,
    flushMs: 5,
    retryMs: 20,
    maxRetryMs: 200,
    onError: (e) => errors.push(e),
    ...(opts.token ? { token: opts.token } : {}),
  });
  closers.push(() => bridge.close());
  const store = new InMemoryStore();
  const runner = new Runner({ store: bridge.wrap(store), config: { interactionMode: 'external' } });
  const outcomes: BridgeDecisionOutcome[] = [];
  let wake: () => void = () => undefined;
  const nextOutcome = (n: number, ms = 10_000) =>
    new Promise<BridgeDecisionOutcome>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no decision outcome #${n} in ${ms} ms`)), ms);
      const check = () => {
        const o = outcomes[n - 1];
        if (!o) return;
        clearTimeout(t);
        resolve(o);
      };
      wake = check;
      check();
    });
  if (opts.accept !== false)
    bridge.acceptDecisions({
      runner,
      agents: { mailer: agent },
      onDecision: (o) => {
        outcomes.push(o);
        wake();
      },
    });
  const first = await runner.run(agent, { userMessage: 'mail ada' });
  expect(first.state).toBe('interrupted');
  await bridge.flush();
  const [approval] = await runner.listApprovals({ runId: first.runId, status: 'pending' });
  return { bridge, runner, store, sent, errors, first, approval: approval as ApprovalRequest, nextOutcome };
}

/** Until the server counts `n` decision streams (bounded). */
async function listeners(s: DevtoolsServer, n: number) {
  const deadline = Date.now() + 10_000;
  while (s.stats().decisionListeners !== n) {
    if (Date.now() > deadline) throw new Error(`the server never had ${n} decision stream(s)`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const approve = (a: ApprovalRequest) => ({
  v: 1,
  approvalId: a.id,
  argsHash: a.argsHash,
  decision: { kind: 'approve' },
});

describe('two-way devtools bridge', { timeout: 30_000 }, () => {
  it('a decision made in the page reaches the Node process, which resumes the run; the page sees it complete', async () => {
    const s = await server();
    const p = page(s);
    const node = await nodeProcess(s);
    await listeners(s, 1);
    await p.until(async () => (await p.store.getApproval(node.approval.id))?.status === 'pending');

    const r = await decide(s.url, approve(node.approval));
    expect(r.status).toBe(202);
    expect(JSON.parse(r.body)).toMatchObject({ id: 0, source: node.bridge.source.id, delivered: true });

    const outcome = await node.nextOutcome(1);
    expect(outcome.kind).toBe('resumed');
    if (outcome.kind !== 'resumed') throw new Error('not resumed');
    expect(outcome.result).toMatchObject({ state: 'completed', finalText: 'done: sent to ada' });
    expect(node.sent).toEqual(['ada']);
    // The decision was recorded on the Node store's approval row (the real decision path) …
    expect((await node.store.getApproval(node.approval.id))?.status).toBe('approved');
    // … and the page gets the decided approval and the completed run back over the bridge.
    await p.until(async () => (await p.store.getRun(node.first.runId))?.status === 'completed');
    expect((await p.store.getApproval(node.approval.id))?.status).toBe('approved');
    // A second decision on the same approval is refused by the server.
    const again = await decide(s.url, approve(node.approval));
    expect(again.status).toBe(409);
    expect(code(again)).toBe('approval_stale');
    expect(node.errors).toEqual([]);
  });

  it('refuses hostile and invalid decision messages, and decisions nobody can take', async () => {
    const s = await server();
    const node = await nodeProcess(s, { accept: false });
    const ok = approve(node.approval);
    const cases: Array<[unknown, number, string]> = [
      ['{"v":1,', 400, 'invalid_json'],
      [null, 400, 'invalid_message'],
      [{ ...ok, v: 2 }, 400, 'invalid_message'],
      [{ ...ok, decision: { kind: 'run_anything' } }, 400, 'invalid_message'],
      [{ ...ok, decision: { kind: 'edit' } }, 400, 'invalid_message'],
      [{ ...ok, extra: 'field' }, 400, 'invalid_message'],
      ['{"v":1,"__proto__":{"polluted":true}}', 400, 'invalid_message'],
      [{ ...ok, approvalId: 'x'.repeat(2_000) }, 400, 'invalid_message'],
      [{ ...ok, approvalId: 'no-such-approval' }, 404, 'unknown_approval'],
      // The process streams its runs but did not call acceptDecisions.
      [ok, 409, 'not_listening'],
    ];
    for (const [body, status, c] of cases) {
      const r = await decide(s.url, body);
      expect([r.status, code(r)], JSON.stringify(body).slice(0, 80)).toEqual([status, c]);
    }
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect((await decide(s.url, ok, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await decide(s.url, `{"pad":"${'x'.repeat(300 * 1024)}"}`)).status).toBe(413);
    expect((await send(s.url, BRIDGE_DECISION_PATHS.decide)).status).toBe(405);
    const foreign = await decide(s.url, ok, { origin: 'https://evil.example' });
    expect([foreign.status, code(foreign)]).toEqual([403, 'cross_origin']);
    const rebound = await decide(s.url, ok, { host: 'evil.example' });
    expect(rebound.status).toBe(403);
    expect((await send(s.url, BRIDGE_DECISION_PATHS.decisions)).status).toBe(400);
    expect(s.stats().decisions).toBe(0);
    // Nothing reached the run.
    expect((await node.store.getApproval(node.approval.id))?.status).toBe('pending');
    expect((await node.store.getRun(node.first.runId))?.status).toBe('interrupted');

    // A source that closed is gone: its approvals cannot be decided from the page any more.
    await node.bridge.close();
    const gone = await decide(s.url, ok);
    expect([gone.status, code(gone)]).toEqual([409, 'source_gone']);
  });

  it('a decision for other args is refused in Node (approval_stale) and the run stays paused', async () => {
    const s = await server();
    const node = await nodeProcess(s);
    await listeners(s, 1);
    const r = await decide(s.url, { ...approve(node.approval), argsHash: 'not-the-hash' });
    expect(r.status).toBe(202);
    const outcome = await node.nextOutcome(1);
    expect(outcome.kind).toBe('refused');
    if (outcome.kind !== 'refused') throw new Error('applied');
    expect(outcome.error.code).toBe('approval_stale');
    expect(node.errors.map((e) => e.code)).toEqual(['approval_stale']);
    expect((await node.store.getApproval(node.approval.id))?.status).toBe('pending');
    expect(node.sent).toEqual([]);
  });

  it('needs the token when the server has one, on both ends', async () => {
    const token = 'decide-token-123';
    const s = await server({ token });
    const node = await nodeProcess(s, { token });
    await listeners(s, 1);
    const noToken = await decide(s.url, approve(node.approval));
    expect([noToken.status, code(noToken)]).toEqual([401, 'unauthorized']);
    const wrong = await decide(s.url, approve(node.approval), { authorization: 'Bearer wrong-token-000' });
    expect(wrong.status).toBe(401);
    const stream = await send(s.url, `${BRIDGE_DECISION_PATHS.decisions}?source=${node.bridge.source.id}`);
    expect(stream.status).toBe(401);
    // A cookie (the page's way) or the bearer header (Node's) carries it.
    const r = await decide(s.url, approve(node.approval), { cookie: `afk_devtools_token=${token}` });
    expect(r.status).toBe(202);
    expect((await node.nextOutcome(1)).kind).toBe('resumed');
    expect(node.sent).toEqual(['ada']);
  });

  it('the Node client ignores junk from a hostile server, reconnects with backoff and resumes after the last decision', async () => {
    // A fake server: the first connection sends junk and one decision then drops; the second
    // must come back with lastEventId=0 and gets the next decision.
    const seen: string[] = [];
    const reports: string[] = [];
    const conns: ServerResponse[] = [];
    const fake = createServer((req, res) => {
      if (req.url?.startsWith(BRIDGE_PATHS.ingest)) {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":0,"duplicate":false}');
        return;
      }
      if (req.url?.startsWith(BRIDGE_DECISION_PATHS.outcome)) {
        let body = '';
        req.setEncoding('utf8').on('data', (d: string) => {
          body += d;
        });
        req.on('end', () => {
          reports.push(body);
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
        return;
      }
      seen.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      conns.push(res);
      const ev = (id: number, approvalId: string) =>
        `event: decision\nid: ${id}\ndata: ${JSON.stringify({ v: 1, id, approvalId, argsHash: 'h', runId: 'r', rootRunId: 'r', receivedAt: 1, decision: { kind: 'approve' } })}\n\n`;
      if (conns.length === 1) {
        res.write('event: hello\ndata: {"v":1,"source":"x","lastId":0}\n\n');
        res.write('event: decision\ndata: not json\n\n');
        res.write('event: decision\ndata: {"v":1,"id":5,"decision":{"kind":"rm -rf"}}\n\n');
        res.write(ev(0, 'ghost-0'));
        setTimeout(() => res.destroy(), 50);
      } else {
        res.write('event: hello\ndata: {"v":1,"source":"x","lastId":1}\n\n');
        res.write(ev(0, 'ghost-0')); // replayed: skipped
        res.write(ev(1, 'ghost-1'));
      }
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    closers.push(
      () =>
        new Promise<void>((r) => {
          fake.closeAllConnections();
          fake.close(() => r());
        }),
    );
    const url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    const errors: AfkError[] = [];
    const bridge = devtoolsBridge({ url, retryMs: 20, maxRetryMs: 100, onError: (e) => errors.push(e) });
    closers.push(() => bridge.close());
    const runner = new Runner({
      store: bridge.wrap(new InMemoryStore()),
      config: { interactionMode: 'external' },
    });
    const outcomes: BridgeDecisionOutcome[] = [];
    const two = new Promise<void>((resolve) =>
      bridge.acceptDecisions({
        runner,
        onDecision: (o) => {
          outcomes.push(o);
          if (outcomes.length === 2) resolve();
        },
      }),
    );
    await two;
    expect(outcomes.map((o) => [o.approvalId, o.kind])).toEqual([
      ['ghost-0', 'refused'],
      ['ghost-1', 'refused'],
    ]);
    expect(outcomes.map((o) => (o.kind === 'refused' ? o.error.code : ''))).toEqual([
      'approval_not_found',
      'approval_not_found',
    ]);
    expect(errors.filter((e) => e.code === 'bridge_error')).toHaveLength(2);
    expect(seen).toHaveLength(2);
    expect(new URL(seen[1] as string, url).searchParams.get('lastEventId')).toBe('0');
    expect(bridge.stats().listening).toBe(true);
    await bridge.close();
    expect(bridge.stats().listening).toBe(false);
    // Each outcome was reported back (close() waits for the reports under way).
    const parsed = reports.map((r) => JSON.parse(r) as { id: number });
    expect(parsed.sort((a, b) => a.id - b.id)).toEqual([
      expect.objectContaining({
        id: 0,
        approvalId: 'ghost-0',
        outcome: 'refused',
        code: 'approval_not_found',
      }),
      expect.objectContaining({
        id: 1,
        approvalId: 'ghost-1',
        outcome: 'refused',
        code: 'approval_not_found',
      }),
    ]);
  });
});
