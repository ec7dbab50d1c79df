import { describe, expect, it } from 'vitest';
import { Runner } from '../core/runner.js';
import type { AfkError } from '../errors/index.js';
import type { ApprovalRequest } from '../events/records.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { devtoolsBridge } from './bridge.js';
import type { BridgeDecisionOutcome } from './decision-apply.js';
import { decideOverBridge } from './decision-client.js';
import { BRIDGE_DECISION_PATHS } from './decision-protocol.js';
import { BRIDGE_PATHS } from './protocol.js';
import type { DevtoolsServer } from './server/server.js';
import { mailer } from './test-support/mailer.js';
import { httpRequest, useDevtoolsServers } from './test-support/servers.js';
import { SseClient } from './test-support/sse.js';

// What became of a decision made in the page travels back to it, over real HTTP on loopback:
// the Node process reports applied / refused (with the code of its decision path's error), the
// server holds the page's status request until then, and a decision nobody answers reads
// `not_delivered` after the server's bounded wait.
const { server, closers } = useDevtoolsServers();

const post = (base: string, path: string, body: string, headers: Record<string, string> = {}) =>
  httpRequest(base, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

/** A Node process through the bridge, taking decisions; its run paused on one approval. */
async function nodeProcess(s: DevtoolsServer, token?: string) {
  const sent: string[] = [];
  const agent = mailer(sent);
  const errors: AfkError[] = [];
  const bridge = devtoolsBridge({
    url: s.url,
    flushMs: 5,
    retryMs: 20,
    maxRetryMs: 200,
    onError: (e) => errors.push(e),
    ...(token ? { token } : {}),
  });
  closers.push(() => bridge.close());
  const store = new InMemoryStore();
  const runner = new Runner({ store: bridge.wrap(store), config: { interactionMode: 'external' } });
  const outcomes: BridgeDecisionOutcome[] = [];
  bridge.acceptDecisions({ runner, agents: { mailer: agent }, onDecision: (o) => outcomes.push(o) });
  const first = await runner.run(agent, { userMessage: 'mail ada' });
  await bridge.flush();
  const [approval] = await runner.listApprovals({ runId: first.runId, status: 'pending' });
  // Until its decision stream is connected (bounded).
  const deadline = Date.now() + 10_000;
  while (!bridge.stats().listening) {
    if (Date.now() > deadline) throw new Error('the decision stream never connected');
    await new Promise((r) => setTimeout(r, 10));
  }
  return { bridge, store, sent, errors, outcomes, first, approval: approval as ApprovalRequest };
}

describe('decision outcomes reach the page', { timeout: 30_000 }, () => {
  it('a decision the Node process refuses (stale, invalid edit) comes back with its code; a good one then applies', async () => {
    const s = await server();
    const node = await nodeProcess(s);
    const page = { url: s.url, approval: node.approval };

    // Stale: made against other args (the card the person saw is out of date).
    const stale = await decideOverBridge({
      ...page,
      approval: { id: node.approval.id, argsHash: 'not-the-hash' },
      decision: { kind: 'approve' },
    });
    expect(stale).toMatchObject({ state: 'refused', by: 'node', code: 'approval_stale' });
    if (stale.state !== 'refused') throw new Error('applied');
    expect(stale.message).toContain('other arguments');

    // An edit the tool's args schema refuses: refused in Node, with the reason.
    const edit = await decideOverBridge({ ...page, decision: { kind: 'edit', args: { to: 42 } } });
    expect(edit).toMatchObject({ state: 'refused', by: 'node' });
    if (edit.state !== 'refused') throw new Error('applied');
    expect(edit.code).toBe('invalid_argument');
    expect(edit.message.length).toBeGreaterThan(0);
    expect((await node.store.getApproval(node.approval.id))?.status).toBe('pending');
    expect(node.sent).toEqual([]);

    // Not applied, so the page may decide again: this one applies and the run resumes.
    const ok = await decideOverBridge({ ...page, decision: { kind: 'approve' } });
    expect(ok).toMatchObject({ state: 'applied', source: node.bridge.source.id });
    expect((await node.store.getApproval(node.approval.id))?.status).toBe('approved');

    // Already decided: the server refuses a further one itself.
    const again = await decideOverBridge({ ...page, decision: { kind: 'reject' } });
    expect(again).toMatchObject({ state: 'refused', by: 'server', code: 'approval_stale' });
    expect(node.outcomes.map((o) => o.kind)).toEqual(['refused', 'refused', expect.any(String)]);
  });

  it('a decision nobody answers reads not_delivered after the bounded wait; a source that ends reads source_gone', async () => {
    const s = await server({ decisionTimeoutMs: 300 });
    const node = await nodeProcess(s);
    // A "process" that took the approval's source id, listens for decisions and never answers.
    const ghost = { id: 'ghost-source', label: 'ghost process' };
    const approval = { ...node.approval, id: 'ghost-approval' };
    const ingest = (seq: number, closing: boolean) =>
      post(
        s.url,
        BRIDGE_PATHS.ingest,
        JSON.stringify({
          v: 1,
          source: ghost,
          seq,
          batches: seq === 0 ? [{ approvals: [approval] }] : [],
          closing,
        }),
      );
    expect((await ingest(0, false)).status).toBe(200);
    const stream = new SseClient(`${s.url}${BRIDGE_DECISION_PATHS.decisions}?source=${ghost.id}`);
    closers.push(() => stream.close());
    await stream.waitFor('hello', 1, 5_000);

    const t0 = Date.now();
    const silent = await decideOverBridge({ url: s.url, approval, decision: { kind: 'approve' } });
    expect(silent).toMatchObject({ state: 'not_delivered', code: 'not_delivered', source: ghost.id });
    if (silent.state !== 'not_delivered') throw new Error('answered');
    expect(silent.message).toContain('ghost process did not answer');
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(stream.of('decision')).toHaveLength(1);

    // Not delivered, so it can be sent again; the source ends before it answers.
    const pending = decideOverBridge({ url: s.url, approval, decision: { kind: 'approve' } });
    await stream.waitFor('decision', 2, 5_000);
    expect((await ingest(1, true)).status).toBe(200);
    expect(await pending).toMatchObject({ state: 'not_delivered', code: 'source_gone' });
  });

  it('the report endpoint is validated, size-limited and token-checked', async () => {
    const token = 'report-token-123';
    const s = await server({ token });
    const auth = { authorization: `Bearer ${token}` };
    const report = { v: 1, source: 'nobody', id: 0, approvalId: 'a', outcome: 'applied' };
    const r = (body: unknown, headers: Record<string, string> = auth) =>
      post(
        s.url,
        BRIDGE_DECISION_PATHS.outcome,
        typeof body === 'string' ? body : JSON.stringify(body),
        headers,
      );
    const codeOf = (x: { body: string }) => (JSON.parse(x.body) as { error: { code: string } }).error.code;
    expect((await r(report, {})).status).toBe(401);
    const unknown = await r(report);
    expect([unknown.status, codeOf(unknown)]).toEqual([404, 'unknown_decision']);
    for (const bad of [
      { ...report, outcome: 'refused' }, // a refusal needs its code
      { ...report, outcome: 'refused', code: 'Not A Code' },
      { ...report, extra: 1 },
      { ...report, id: -1 },
    ]) {
      const x = await r(bad);
      expect([x.status, codeOf(x)], JSON.stringify(bad)).toEqual([400, 'invalid_message']);
    }
    expect((await r({ ...report, message: 'x'.repeat(20_000) })).status).toBe(413);

    // End to end with the token: the Node process reports with it, the page reads with it.
    const node = await nodeProcess(s, token);
    const authed: typeof fetch = (input, init) =>
      fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...auth } });
    const ok = await decideOverBridge({
      url: s.url,
      approval: node.approval,
      decision: { kind: 'approve' },
      fetch: authed,
    });
    expect(ok.state).toBe('applied');
    expect(node.errors).toEqual([]);
  });
});
