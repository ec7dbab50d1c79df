import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/index.js';
import { Runner } from '../core/index.js';
import { scripted } from '../llms/index.js';
import { tool } from '../tools/index.js';
import type { NodeListener } from './node-http.js';
import { MCPServer } from './server.js';

const add = tool({
  name: 'add',
  description: 'Add two numbers',
  args: z.object({ a: z.number(), b: z.number() }),
  run: ({ a, b }) => ({ sum: a + b }),
  effects: 'pure',
});
const shout = tool({
  name: 'shout',
  description: 'Upper-case a text',
  args: z.object({ text: z.string() }),
  run: ({ text }) => text.toUpperCase(),
});
const explode = tool({
  name: 'explode',
  description: 'Always fails',
  args: z.object({}),
  run: () => {
    throw new Error('kaboom');
  },
});
const big = tool({
  name: 'big',
  description: 'A large output',
  args: z.object({ n: z.number().int() }),
  run: ({ n }) => 'x'.repeat(n),
});

const listeners: NodeListener[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});

async function serve(server: MCPServer): Promise<string> {
  const l = await server.listen();
  listeners.push(l);
  return `${l.url}/mcp`;
}

async function connect(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  clients.push(client);
  return client;
}

const rpc = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
      ...headers,
    },
    body,
  });

describe('MCPServer with the official MCP client (behaviour 57)', () => {
  it('lists and calls tools; invalid args and a throwing tool are isError results', async () => {
    const url = await serve(
      new MCPServer({ name: 'calc', version: '1.0.0', tools: [add, shout, explode, big] }),
    );
    const client = await connect(url);
    expect(client.getServerVersion()).toMatchObject({ name: 'calc', version: '1.0.0' });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['add', 'shout', 'explode', 'big']);
    const addSpec = tools.find((t) => t.name === 'add')!;
    expect(addSpec.inputSchema).toMatchObject({ type: 'object', required: ['a', 'b'] });
    expect(addSpec.annotations?.readOnlyHint).toBe(true);

    const sum = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
    expect(sum.isError).toBeFalsy();
    expect(sum.structuredContent).toEqual({ sum: 5 });
    expect(sum.content).toEqual([{ type: 'text', text: '{"sum":5}' }]);

    const text = await client.callTool({ name: 'shout', arguments: { text: 'hi' } });
    expect(text.content).toEqual([{ type: 'text', text: 'HI' }]);

    const invalid = await client.callTool({ name: 'add', arguments: { a: 'two' } });
    expect(invalid.isError).toBe(true);
    const invalidText = (invalid.content as Array<{ text: string }>)[0]?.text ?? '';
    expect(invalidText).toMatch(/Invalid arguments for 'add'/);
    expect(invalidText).toMatch(/^a: .*number/m);

    const failed = await client.callTool({ name: 'explode', arguments: {} });
    expect(failed.isError).toBe(true);
    expect(JSON.stringify(failed.content)).toContain('kaboom');

    const large = await client.callTool({ name: 'big', arguments: { n: 300_000 } });
    const [first] = large.content as Array<{ type: string; text: string }>;
    expect(first?.text.length).toBe(300_000);

    await expect(client.callTool({ name: 'nope', arguments: {} })).rejects.toThrow(/not found/);
  });

  it('refuses missing and wrong tokens with 401, accepts bearer tokens and API keys', async () => {
    const url = await serve(
      new MCPServer({
        name: 'calc',
        version: '1.0.0',
        tools: [add],
        auth: { bearerTokens: ['s3cret-token'], apiKeys: ['key-123'] },
      }),
    );
    const init = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    });
    expect((await rpc(url, init)).status).toBe(401);
    const wrong = await rpc(url, init, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    await expect(connect(url, { authorization: 'Bearer wrong' })).rejects.toThrow();

    const byToken = await connect(url, { authorization: 'Bearer s3cret-token' });
    expect((await byToken.listTools()).tools).toHaveLength(1);
    const byKey = await connect(url, { 'x-api-key': 'key-123' });
    const r = await byKey.callTool({ name: 'add', arguments: { a: 1, b: 1 } });
    expect(r.structuredContent).toEqual({ sum: 2 });
  });

  it('an auth function accepts, refuses (401) and, when it throws, refuses with a clear 401, never a 500', async () => {
    const seen: string[] = [];
    const url = await serve(
      new MCPServer({
        name: 'calc',
        version: '1.0.0',
        tools: [add],
        auth: async (req) => {
          seen.push(new URL(req.url).pathname);
          if (req.headers.get('x-explode')) throw new Error('introspection service down at 10.0.0.7');
          return req.headers.get('x-tenant-token') === 'tenant-42';
        },
      }),
    );
    const list = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    const none = await rpc(url, list);
    expect(none.status).toBe(401);
    expect((await none.json()).error.message).toMatch(/missing or invalid credentials/);
    expect((await rpc(url, list, { 'x-tenant-token': 'tenant-41' })).status).toBe(401);
    const threw = await rpc(url, list, { 'x-tenant-token': 'tenant-42', 'x-explode': '1' });
    expect(threw.status).toBe(401);
    const body = await threw.text();
    expect(JSON.parse(body).error.message).toBe(
      'Unauthorized: the auth check failed, so the request was refused',
    );
    expect(body).not.toContain('10.0.0.7');
    await expect(connect(url, { 'x-explode': '1' })).rejects.toThrow();

    const client = await connect(url, { 'x-tenant-token': 'tenant-42' });
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['add']);
    const r = await client.callTool({ name: 'add', arguments: { a: 2, b: 2 } });
    expect(r.structuredContent).toEqual({ sum: 4 });
    expect(seen.every((p) => p === '/mcp')).toBe(true);
    // With an auth function, listen() accepts a non-loopback host (this one refuses everyone).
    const closed = new MCPServer({ name: 'calc', version: '1.0.0', tools: [add], auth: () => false });
    const l = await closed.listen({ host: '0.0.0.0' });
    listeners.push(l);
    expect(l.host).toBe('0.0.0.0');
  });

  it('answers malformed JSON-RPC with JSON-RPC errors and keeps serving', async () => {
    const url = await serve(new MCPServer({ name: 'calc', version: '1.0.0', tools: [add] }));
    const parse = await rpc(url, '{"jsonrpc": "2.0", "id": 1, "method": ');
    expect(parse.status).toBe(400);
    expect((await parse.json()).error.code).toBe(-32700);
    const notRpc = await rpc(url, JSON.stringify({ hello: 'world' }));
    expect(notRpc.status).toBe(400);
    expect((await notRpc.json()).error.code).toBeLessThan(0);
    const wrongType = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', accept: 'application/json, text/event-stream' },
      body: '{}',
    });
    expect(wrongType.status).toBe(415);
    const unknownMethod = await rpc(
      url,
      JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'no/such', params: {} }),
    );
    const text = await unknownMethod.text();
    expect(text).toContain('-32601');

    const client = await connect(url);
    const ok = await client.callTool({ name: 'add', arguments: { a: 40, b: 2 } });
    expect(ok.structuredContent).toEqual({ sum: 42 });
  });

  it('refuses oversized bodies (413) and other origins (403); a flood of requests is served', async () => {
    const url = await serve(
      new MCPServer({ name: 'calc', version: '1.0.0', tools: [add], maxBodyBytes: 10_000 }),
    );
    const huge = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: { pad: 'x'.repeat(20_000) },
    });
    expect((await rpc(url, huge)).status).toBe(413);
    const evil = await rpc(url, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), {
      origin: 'https://evil.example',
    });
    expect(evil.status).toBe(403);

    const list = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    // 1,000 requests in waves of 200 concurrent connections.
    const statuses: number[] = [];
    for (let wave = 0; wave < 5; wave++) {
      const batch = await Promise.all(
        Array.from({ length: 200 }, (_, i) => (i % 2 ? rpc(url, list) : rpc(url, '{broken'))).map((p) =>
          p.then(async (r) => {
            await r.text();
            return r.status;
          }),
        ),
      );
      statuses.push(...batch);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(500);
    expect(statuses.filter((s) => s === 400)).toHaveLength(500);
    const client = await connect(url);
    expect((await client.listTools()).tools).toHaveLength(1);
  }, 90_000);

  it('CORS is off unless configured; configured origins get preflights and headers', async () => {
    const list = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    const preflight = (url: string, origin: string) =>
      fetch(url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
    const plain = await serve(new MCPServer({ name: 'calc', version: '1.0.0', tools: [add] }));
    const refusedPreflight = await preflight(plain, 'https://app.example');
    expect(refusedPreflight.status).toBe(403);
    expect(refusedPreflight.headers.get('access-control-allow-origin')).toBeNull();
    const noOrigin = await rpc(plain, list);
    expect(noOrigin.status).toBe(200);
    expect([...noOrigin.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
    await noOrigin.text();

    const withCors = await serve(
      new MCPServer({
        name: 'calc',
        version: '1.0.0',
        tools: [add],
        cors: { origins: ['https://app.example'] },
      }),
    );
    const ok = await preflight(withCors, 'https://app.example');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(ok.headers.get('vary')).toBe('Origin');
    const call = await rpc(withCors, list, { origin: 'https://app.example' });
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(call.headers.get('access-control-expose-headers')).toContain('mcp-session-id');
    await call.text();
    const other = await rpc(withCors, list, { origin: 'https://other.example' });
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('nothing leaks between concurrent clients: each gets its own answer and progress', async () => {
    const counter = tool({
      name: 'count',
      description: 'Counts',
      args: z.object({ who: z.string() }),
      run: ({ who }) => who,
    });
    // Calls `count` once for A and three times for B, then answers with the caller's message.
    const model = scripted((req) => {
      const user = req.messages.find((m) => m.role === 'user')?.content as string;
      const calls = req.messages.filter((m) => m.role === 'tool').length;
      const want = user === 'A' ? 1 : 3;
      if (calls < want) return { toolCalls: [{ name: 'count', args: { who: user } }] };
      return { text: `answer for ${user}` };
    });
    const agent = new Agent({ name: 'counter', model, tools: [counter] });
    const url = await serve(new MCPServer({ name: 'agents', version: '1.0.0', agent }));
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    const progress: Record<string, string[]> = { A: [], B: [] };
    const ask = (c: Client, who: 'A' | 'B') =>
      c.callTool({ name: 'counter', arguments: { message: who } }, undefined, {
        onprogress: (p) => progress[who]!.push(p.message ?? ''),
      });
    const [ra, rb] = await Promise.all([ask(a, 'A'), ask(b, 'B')]);
    expect(ra.content).toEqual([{ type: 'text', text: 'answer for A' }]);
    expect(rb.content).toEqual([{ type: 'text', text: 'answer for B' }]);
    expect(progress.A!.filter((m) => m === 'calling count')).toHaveLength(1);
    expect(progress.B!.filter((m) => m === 'calling count')).toHaveLength(3);
    const threads = new Set([ra, rb].map((r) => (r.structuredContent as { threadId: string }).threadId));
    expect(threads.size).toBe(2);
  });

  it('serves without auth only to loopback hosts (DNS rebinding) and refuses a public listen', async () => {
    const server = new MCPServer({ name: 'calc', version: '1.0.0', tools: [add] });
    const list = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    const req = (host: string) =>
      new Request(`http://${host}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: list,
      });
    expect((await server.handle(req('attacker.example:8080'))).status).toBe(403);
    expect((await server.handle(req('localhost:8080'))).status).toBe(200);
    await expect(server.listen({ host: '0.0.0.0' })).rejects.toThrow(/needs auth/);
  });

  it('serves an agent as a tool with progress notifications', async () => {
    const agent = new Agent({
      name: 'helper',
      description: 'Adds numbers for you',
      model: scripted([
        { toolCalls: [{ name: 'add', args: { a: 20, b: 22 } }] },
        { text: 'The answer is 42.' },
      ]),
      tools: [add],
    });
    const url = await serve(new MCPServer({ name: 'agents', version: '1.0.0', agent }));
    const client = await connect(url);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['helper']);
    const progress: string[] = [];
    const r = await client.callTool(
      { name: 'helper', arguments: { message: 'what is 20 + 22?' } },
      undefined,
      {
        onprogress: (p) => progress.push(p.message ?? ''),
      },
    );
    expect(r.isError).toBeFalsy();
    expect(r.content).toEqual([{ type: 'text', text: 'The answer is 42.' }]);
    expect(r.structuredContent).toMatchObject({ state: 'completed', finalText: 'The answer is 42.' });
    expect(progress).toContain('calling add');
    expect(progress).toContain('add done');
  });
});

describe('MCPServer approvals', () => {
  const wire = tool({
    name: 'wire',
    description: 'Send money',
    args: z.object({ amount: z.number() }),
    needsApproval: true,
    run: ({ amount }) => `sent ${amount}`,
  });

  it('without a runner refuses a tool that needs approval, never running it', async () => {
    let ran = 0;
    const guarded = tool({ ...wireDef(), run: () => String(++ran) });
    const url = await serve(new MCPServer({ name: 'bank', version: '1.0.0', tools: [guarded] }));
    const client = await connect(url);
    const r = await client.callTool({ name: 'wire', arguments: { amount: 5 } });
    expect(r.isError).toBe(true);
    expect(JSON.stringify(r.content)).toMatch(/needs approval/);
    expect(ran).toBe(0);
  });

  it("in 'external' mode answers awaiting approval and runs only once decided", async () => {
    let ran = 0;
    const guarded = tool({
      ...wireDef(),
      run: ({ amount }: { amount: number }) => `sent ${amount} (#${++ran})`,
    });
    const runner = new Runner({ config: { interactionMode: 'external' } });
    const url = await serve(new MCPServer({ name: 'bank', version: '1.0.0', tools: [guarded], runner }));
    const client = await connect(url);
    const first = await client.callTool({ name: 'wire', arguments: { amount: 5 } });
    expect(first.isError).toBeFalsy();
    expect(JSON.stringify(first.content)).toMatch(/Awaiting approval/);
    const pending = first.structuredContent as { status: string; approvalIds: string[]; runId: string };
    expect(pending.status).toBe('awaiting_approval');
    expect(ran).toBe(0);
    const again = await client.callTool({ name: 'wire', arguments: { amount: 5 } });
    expect((again.structuredContent as { approvalIds: string[] }).approvalIds).toEqual(pending.approvalIds);
    expect(ran).toBe(0);

    await runner.decideApproval({ approvalId: pending.approvalIds[0]!, decision: { kind: 'approve' } });
    const done = await client.callTool({ name: 'wire', arguments: { amount: 5 } });
    expect(done.content).toEqual([{ type: 'text', text: 'sent 5 (#1)' }]);
    expect(ran).toBe(1);

    const other = await client.callTool({ name: 'wire', arguments: { amount: 7 } });
    const p2 = other.structuredContent as { approvalIds: string[] };
    await runner.decideApproval({
      approvalId: p2.approvalIds[0]!,
      decision: { kind: 'reject', reason: 'too much' },
    });
    const rejected = await client.callTool({ name: 'wire', arguments: { amount: 7 } });
    expect(rejected.isError).toBe(true);
    expect(JSON.stringify(rejected.content)).toContain('too much');
    expect(ran).toBe(1);
  });

  it('the agent tool answers awaiting approval, then continues the paused run by runId', async () => {
    let ran = 0;
    const guarded = tool({
      ...wireDef(),
      run: ({ amount }: { amount: number }) => `sent ${amount} (#${++ran})`,
    });
    const model = scripted((req) => {
      const last = req.messages.at(-1);
      if (last?.role === 'tool') return { text: `Done: ${last.content}` };
      return { toolCalls: [{ name: 'wire', args: { amount: 9 } }] };
    });
    const agent = new Agent({ name: 'banker', model, tools: [guarded] });
    const runner = new Runner({ config: { interactionMode: 'external' } });
    const url = await serve(new MCPServer({ name: 'bank', version: '1.0.0', agent, runner }));
    const client = await connect(url);
    const first = await client.callTool({ name: 'banker', arguments: { message: 'pay 9' } });
    const pending = first.structuredContent as {
      status: string;
      runId: string;
      threadId: string;
      approvalIds: string[];
    };
    expect(pending.status).toBe('awaiting_approval');
    expect(ran).toBe(0);
    const early = await client.callTool({
      name: 'banker',
      arguments: { runId: pending.runId, threadId: pending.threadId },
    });
    expect((early.structuredContent as { status: string }).status).toBe('awaiting_approval');
    await runner.decideApproval({ approvalId: pending.approvalIds[0]!, decision: { kind: 'approve' } });
    const done = await client.callTool({
      name: 'banker',
      arguments: { runId: pending.runId, threadId: pending.threadId },
    });
    expect(done.content).toEqual([{ type: 'text', text: 'Done: sent 9 (#1)' }]);
    expect(ran).toBe(1);
    const bad = await client.callTool({ name: 'banker', arguments: {} });
    expect(bad.isError).toBe(true);
  });

  it('in headless mode the runner denies', async () => {
    const url = await serve(
      new MCPServer({ name: 'bank', version: '1.0.0', tools: [wire], runner: new Runner() }),
    );
    const client = await connect(url);
    const r = await client.callTool({ name: 'wire', arguments: { amount: 5 } });
    expect(r.isError).toBe(true);
  });
});

function wireDef() {
  return {
    name: 'wire',
    description: 'Send money',
    args: z.object({ amount: z.number() }),
    needsApproval: true,
  };
}
