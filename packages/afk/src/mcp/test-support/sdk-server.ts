import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/** What the official-SDK test server records, for assertions. */
export interface SdkServerHandle {
  url: string;
  calls: Array<{ tool: string; args: unknown }>;
  /** Registers a new tool on every live session (each sends tools/list_changed). */
  addTool(name: string): void;
  /** Resolves when a `slow` call has started on the server. */
  slowStarted: Promise<void>;
  /** Kills the server and every open connection now. */
  kill(): void;
  close(): Promise<void>;
}

/**
 * An MCP server built only with the official SDK (McpServer + its Node Streamable HTTP
 * transport, stateful sessions), on a free loopback port. Tools: `echo`, `add` (structured
 * output), `fails` (an isError result), `slow` (never answers until the server dies), `big`.
 */
export async function startSdkServer(opts: { token?: string } = {}): Promise<SdkServerHandle> {
  const calls: SdkServerHandle['calls'] = [];
  const servers = new Set<McpServer>();
  const extra: string[] = [];
  let markSlow!: () => void;
  const slowStarted = new Promise<void>((r) => {
    markSlow = r;
  });

  const build = () => {
    const s = new McpServer(
      { name: 'sdk-fixture', version: '1.0.0' },
      { capabilities: { tools: { listChanged: true } } },
    );
    s.registerTool(
      'echo',
      { description: 'Echo a text', inputSchema: { text: z.string().min(1) } },
      async ({ text }) => {
        calls.push({ tool: 'echo', args: { text } });
        return { content: [{ type: 'text', text: `echo: ${text}` }] };
      },
    );
    s.registerTool(
      'add',
      {
        description: 'Add two numbers',
        inputSchema: { a: z.number(), b: z.number() },
        outputSchema: { sum: z.number() },
        annotations: { readOnlyHint: true },
      },
      async ({ a, b }) => {
        calls.push({ tool: 'add', args: { a, b } });
        return { content: [{ type: 'text', text: String(a + b) }], structuredContent: { sum: a + b } };
      },
    );
    s.registerTool('fails', { description: 'Always an error result', inputSchema: {} }, async () => {
      calls.push({ tool: 'fails', args: {} });
      return { content: [{ type: 'text', text: 'disk on fire' }], isError: true };
    });
    s.registerTool('slow', { description: 'Never answers', inputSchema: {} }, async () => {
      calls.push({ tool: 'slow', args: {} });
      markSlow();
      return new Promise(() => undefined);
    });
    s.registerTool(
      'big',
      { description: 'A large output', inputSchema: { n: z.number().int() } },
      async ({ n }) => ({
        content: [{ type: 'text', text: 'y'.repeat(n) }],
      }),
    );
    for (const name of extra) register(s, name);
    servers.add(s);
    return s;
  };
  const register = (s: McpServer, name: string) =>
    s.registerTool(
      name,
      { description: `Added later: ${name}`, inputSchema: { x: z.number() } },
      async ({ x }) => {
        calls.push({ tool: name, args: { x } });
        return { content: [{ type: 'text', text: `${name}(${x})` }] };
      },
    );

  const transports = new Map<string, StreamableHTTPServerTransport>();
  const http = createServer(async (req, res) => {
    if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) {
      res.writeHead(401).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const sid = req.headers['mcp-session-id'] as string | undefined;
    let transport = sid ? transports.get(sid) : undefined;
    if (!transport && req.method === 'POST' && isInitializeRequest(body)) {
      const t = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          transports.set(id, t);
        },
      });
      await build().connect(t);
      transport = t;
    }
    if (!transport) {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end('{"jsonrpc":"2.0","error":{"code":-32000,"message":"no session"},"id":null}');
      return;
    }
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    calls,
    slowStarted,
    addTool(name) {
      extra.push(name);
      for (const s of servers) register(s, name);
    },
    kill() {
      http.closeAllConnections();
      http.close();
    },
    close: async () => {
      for (const s of servers) await s.close().catch(() => undefined);
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
