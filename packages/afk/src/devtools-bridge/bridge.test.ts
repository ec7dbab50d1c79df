import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { Runner } from '../core/runner.js';
import type { AfkError } from '../errors/index.js';
import { scripted } from '../llms/providers/scripted.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { tool } from '../tools/tool.js';
import { devtoolsBridge } from './bridge.js';
import { applyBridgeBatch } from './ingest.js';
import { BRIDGE_PATHS, type BridgeStreamBatch } from './protocol.js';
import { type DevtoolsServer, startDevtoolsServer } from './server/server.js';
import { SseClient } from './test-support/sse.js';

// A Node Runner wrapped by devtoolsBridge, the real server on loopback, and a "page": an SSE
// client that applies every batch to its own store, as the devtools page does.
const servers: DevtoolsServer[] = [];
const clients: SseClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
});

async function server(port = 0) {
  const s = await startDevtoolsServer({ port });
  servers.push(s);
  return s;
}

/** A page: applies the stream's batches in order to its own store. */
function page(s: DevtoolsServer) {
  const store = new InMemoryStore();
  const sse = new SseClient(`${s.url}${BRIDGE_PATHS.stream}`);
  clients.push(sse);
  let applied = 0;
  let chain = Promise.resolve();
  const rejected: string[] = [];
  const drain = async (n: number) => {
    const got = await sse.waitFor('batch', n);
    for (const e of got.slice(applied)) {
      const msg = JSON.parse(e.data) as BridgeStreamBatch;
      chain = chain.then(async () => {
        const r = await applyBridgeBatch(store, msg.batch);
        rejected.push(...r.rejected.map((x) => x.kind));
      });
    }
    applied = got.length;
    await chain;
  };
  return { store, sse, drain, rejected };
}

const secretTool = tool({
  name: 'lookup',
  description: 'returns JSON with a secret in it',
  args: z.object({ q: z.string() }),
  effects: 'pure',
  run: async () => JSON.stringify({ answer: 42, apiKey: 'sk-tool-secret' }),
});

const agent = (name = 'bridged') =>
  new Agent({
    name,
    tools: [secretTool],
    model: scripted((req) =>
      req.messages.at(-1)?.role === 'tool'
        ? { text: 'done' }
        : { toolCalls: [{ name: 'lookup', args: { q: 'x' } }] },
    ),
  });

describe('devtoolsBridge', { timeout: 30_000 }, () => {
  it('validates its options', () => {
    expect(() => devtoolsBridge({ url: 'not a url' })).toThrow(/Invalid devtoolsBridge options/);
    expect(() => devtoolsBridge({ url: 'ftp://x' })).toThrow(/url/);
    expect(() => devtoolsBridge({ url: 'http://127.0.0.1:1', maxBufferedBatches: 0 })).toThrow(
      /maxBufferedBatches/,
    );
  });

  it('streams a run to the page as it is written, redacted; the page ends with the same log', async () => {
    const s = await server();
    const p = page(s);
    await p.sse.waitFor('hello');
    const bridge = devtoolsBridge({ url: s.url, source: 'unit test', flushMs: 5 });
    const local = new InMemoryStore();
    const runner = new Runner({ store: bridge.wrap(local) });
    const result = await runner.run(agent(), { userMessage: 'go', context: { token: 'ctx-secret' } });
    expect(result.state).toBe('completed');
    await bridge.close();
    expect(bridge.stats()).toMatchObject({ dropped: 0, refused: 0, buffered: 0, connected: true });
    await p.drain(bridge.stats().sent);
    const here = await local.readEvents(result.runId);
    const there = await p.store.readEvents(result.runId);
    expect(there.map((e) => `${e.seq}:${e.type}`)).toEqual(here.map((e) => `${e.seq}:${e.type}`));
    expect((await p.store.getRun(result.runId))?.status).toBe('completed');
    const wire = JSON.stringify(p.sse.events);
    expect(wire).not.toContain('ctx-secret');
    expect(wire).not.toContain('sk-tool-secret');
    expect(wire).toContain('[redacted]');
    expect(JSON.parse(p.sse.of('batch')[0]!.data).source.label).toBe('unit test');
    expect(p.rejected).toEqual([]);
  });

  it('never fails a run while the app is unreachable: buffers, drops the oldest, counts, reports once', async () => {
    // A port nothing listens on (bound, then closed).
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));

    const errors: AfkError[] = [];
    const bridge = devtoolsBridge({
      url: `http://127.0.0.1:${port}`,
      flushMs: 1,
      retryMs: 20,
      maxRetryMs: 50,
      maxBufferedBatches: 3,
      timeoutMs: 1_000,
      onError: (e) => errors.push(e),
    });
    const local = new InMemoryStore();
    const runner = new Runner({ store: bridge.wrap(local) });
    const result = await runner.run(agent(), { userMessage: 'go' });
    expect(result.state).toBe('completed');
    const st = bridge.stats();
    expect(st.buffered).toBe(3);
    expect(st.dropped).toBeGreaterThan(0);
    expect(st.connected).toBe(false);
    await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0));
    expect(errors[0]?.code).toBe('bridge_unreachable');

    // The app comes up on that port: the next post fills in the dropped events from the store.
    const s = await server(port);
    const p = page(s);
    await p.sse.waitFor('hello');
    await bridge.close();
    expect(bridge.stats()).toMatchObject({ buffered: 0, connected: true });
    await p.drain(s.stats().batches);
    const there = await p.store.readEvents(result.runId);
    expect(there.map((e) => e.seq)).toEqual((await local.readEvents(result.runId)).map((e) => e.seq));
    expect(p.rejected).toEqual([]);
  });

  it('warns once per error code by default, and a 4xx is refused, not retried', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const s = await startDevtoolsServer({ port: 0, maxBodyBytes: 2_000 });
      servers.push(s);
      const bridge = devtoolsBridge({ url: s.url, flushMs: 1 });
      const runner = new Runner({ store: bridge.wrap(new InMemoryStore()) });
      const big = 'y'.repeat(5_000);
      const r = await runner.run(new Agent({ name: 'big', model: scripted(() => ({ text: big })) }), {
        userMessage: big,
      });
      expect(r.state).toBe('completed');
      await bridge.close();
      expect(bridge.stats().refused).toBeGreaterThan(0);
      expect(bridge.stats().lastError?.code).toBe('bridge_refused');
      expect(warn.mock.calls.filter((c) => String(c[0]).includes('refused'))).toHaveLength(1);
    } finally {
      warn.mockRestore();
    }
  });
});
