import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/index.js';
import { Runner } from '../core/index.js';
import { scripted } from '../llms/index.js';
import { tool } from '../tools/index.js';
import { connectMCP, mcpTools } from './client.js';
import { MCPServer } from './server.js';
import { loopbackServers } from './test-support/loopback.js';

const add = tool({
  name: 'add',
  description: 'Add two numbers',
  args: z.object({ a: z.number(), b: z.number() }),
  run: ({ a, b }) => ({ sum: a + b }),
  effects: 'pure',
});

/** The fetch-style handler served in the page: requests never leave it. */
function inPage(server: MCPServer) {
  return (url: string | URL, init?: RequestInit) => server.handle(new Request(url, init));
}

describe('MCP in Chromium', () => {
  it('the official client calls an in-page MCPServer through its fetch-style handler', async () => {
    const server = new MCPServer({ name: 'page-tools', version: '1.0.0', tools: [add] });
    const client = new Client({ name: 'page-client', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), { fetch: inPage(server) }),
    );
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['add']);
    const r = await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
    expect(r.structuredContent).toEqual({ sum: 3 });
    const bad = await client.callTool({ name: 'add', arguments: { a: 'x' } });
    expect(bad.isError).toBe(true);
    await client.close();
  });

  it('an agent in the page uses mcpTools of that server', async () => {
    const server = new MCPServer({ name: 'page-tools', version: '1.0.0', tools: [add] });
    const conn = await connectMCP({ url: 'http://localhost/mcp', fetch: inPage(server) });
    const model = scripted([
      { toolCalls: [{ id: 'c', name: 'add', args: { a: 20, b: 22 } }] },
      { text: 'ok' },
    ]);
    const result = await new Runner().run(new Agent({ name: 'page', model, tools: conn.tools() }), {
      userMessage: 'add',
    });
    expect(result.toolExecutions[0]).toMatchObject({ toolName: 'add', success: true, output: { sum: 42 } });
    await conn.close();
  });

  it('the official client in the page calls a loopback MCPServer over real HTTP (CORS, bearer auth)', async () => {
    const { mcpUrl, token } = await loopbackServers();
    const client = new Client({ name: 'page-client', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcpUrl), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    expect(client.getServerVersion()?.name).toBe('loopback-tools');
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['add']);
    const r = await client.callTool({ name: 'add', arguments: { a: 40, b: 2 } });
    expect(r.structuredContent).toEqual({ sum: 42 });
    await client.close();

    // Without the token the page is refused (401).
    const refused = await fetch(mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    // Readable at all only because the server sent CORS headers for this page's origin.
    expect(refused.status).toBe(401);
    expect((await refused.json()).error.message).toMatch(/Unauthorized/);

    // An agent in the page uses that server's tools through mcpTools.
    const stop = new AbortController();
    const tools = await mcpTools({
      url: mcpUrl,
      headers: { authorization: `Bearer ${token}` },
      signal: stop.signal,
    });
    const model = scripted([{ toolCalls: [{ id: 'c', name: 'add', args: { a: 1, b: 1 } }] }, { text: 'ok' }]);
    const result = await new Runner().run(new Agent({ name: 'page', model, tools }), { userMessage: 'add' });
    expect(result.toolExecutions[0]).toMatchObject({ toolName: 'add', success: true, output: { sum: 2 } });
    stop.abort();
  });
});
