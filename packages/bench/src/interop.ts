/**
 * Interop round trips on loopback (issue 10): an MCP tools/call through AFK's `MCPServer` over
 * Streamable HTTP beside the same tool served by the official SDK's own stateless example
 * (McpServer + StreamableHTTPServerTransport per request), and an A2A SendMessage round trip
 * through `A2AServer`. Both driven by the official clients.
 *
 *   npm run build -w afk && node --expose-gc --import ./register.mjs src/interop.ts [--calls N]
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClientFactory, ClientFactoryOptions, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { A2AServer } from 'afk/a2a';
import { Agent } from 'afk/agents';
import { scripted } from 'afk/llms';
import { MCPServer } from 'afk/mcp';
import { tool } from 'afk/tools';
import { z } from 'zod';
import { fmt, median, rotate } from './stats.js';

const calls = Number(process.argv[process.argv.indexOf('--calls') + 1]) || 300;
const reps = 5;

async function sdkExampleServer(): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const mcp = new McpServer({ name: 'sdk-example', version: '1.0.0' });
    mcp.registerTool(
      'add',
      { description: 'Add two numbers', inputSchema: { a: z.number(), b: z.number() } },
      async ({ a, b }) => ({
        content: [{ type: 'text', text: JSON.stringify({ sum: a + b }) }],
      }),
    );
    const transport = new StreamableHTTPServerTransport({});
    res.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, server };
}

async function mcpClient(url: string): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

/** Microseconds per call, median over `reps` batches of `calls` sequential calls. */
async function perCall(run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 30; i++) await run();
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await run();
    samples.push(((performance.now() - t0) * 1000) / calls);
  }
  return median(samples);
}

async function main(): Promise<void> {
  const add = tool({
    name: 'add',
    description: 'Add two numbers',
    args: z.object({ a: z.number(), b: z.number() }),
    run: ({ a, b }) => ({ sum: a + b }),
    effects: 'pure',
  });
  const afkListener = await new MCPServer({ name: 'afk', version: '1.0.0', tools: [add] }).listen();
  const sdk = await sdkExampleServer();
  const afkClient = await mcpClient(`${afkListener.url}/mcp`);
  const sdkClient = await mcpClient(sdk.url);
  const call = (c: Client) => () => c.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
  const results: Record<string, number[]> = { afk: [], sdk: [] };
  for (let round = 0; round < 3; round++) {
    for (const name of rotate(['afk', 'sdk'], round)) {
      results[name]!.push(await perCall(call(name === 'afk' ? afkClient : sdkClient)));
    }
  }
  const afkUs = median(results.afk!);
  const sdkUs = median(results.sdk!);
  console.log(`MCP tools/call round trip (Streamable HTTP, loopback, ${calls} calls x ${reps})`);
  console.log(`  afk MCPServer        ${fmt(afkUs)} µs/call`);
  console.log(`  SDK stateless example ${fmt(sdkUs)} µs/call`);
  console.log(`  ratio                ${fmt(afkUs / sdkUs, 2)}x (target <= 1.2x)`);
  await afkClient.close();
  await sdkClient.close();
  await afkListener.close();
  sdk.server.closeAllConnections();
  sdk.server.close();

  const agent = new Agent({
    name: 'echo',
    model: scripted([{ text: 'pong' }], { onExhausted: 'repeat_last', keepRequests: false }),
  });
  const a2a = await new A2AServer({
    agent,
    card: { name: 'echo', description: 'Echo', version: '1.0.0' },
  }).listen();
  const factory = new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [new JsonRpcTransportFactory()],
    }),
  );
  const a2aClient = await factory.createFromUrl(a2a.url);
  const send = () =>
    a2aClient.sendMessage({
      tenant: '',
      message: {
        messageId: crypto.randomUUID(),
        contextId: '',
        taskId: '',
        role: 1,
        parts: [
          {
            content: { $case: 'text', value: 'ping' },
            metadata: undefined,
            filename: '',
            mediaType: 'text/plain',
          },
        ],
        metadata: {},
        extensions: [],
        referenceTaskIds: [],
      },
      configuration: undefined,
      metadata: {},
    });
  const a2aUs = await perCall(send);
  console.log(`A2A SendMessage round trip (JSON-RPC, loopback, scripted agent): ${fmt(a2aUs)} µs/message`);
  await a2a.close();
}

await main();
