/**
 * Interop round trips on loopback (issue 10), all driven by the official clients:
 *  - MCP `tools/call` through AFK's `MCPServer` (`listen()`, Streamable HTTP) beside the same tool
 *    served by the official SDK's own stateless example (`simpleStatelessStreamableHttp`:
 *    `createMcpExpressApp()`, a fresh `McpServer` + `StreamableHTTPServerTransport` per request) —
 *    target: AFK within 1.2× of it. Also shown: the SDK pattern on bare `node:http` (no Express),
 *    and `MCPServer` with a runner (every call a one-call run: policy, journal, events).
 *  - A2A `SendMessage` through AFK's `A2AServer` (each message an AFK run of a scripted agent)
 *    beside the A2A SDK's own Express server (`jsonRpcHandler` + `DefaultRequestHandler`) around
 *    an executor that answers at once. No target: the AFK figure includes a whole run.
 *
 *   npm run bench -w @afk/bench -- --only interop      (root `npm run bench` builds afk first)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { A2A_PROTOCOL_VERSION, AGENT_CARD_PATH, type AgentCard, type Message, TaskState } from '@a2a-js/sdk';
import { ClientFactory, ClientFactoryOptions, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import {
  AgentEvent,
  type AgentExecutor,
  DefaultRequestHandler,
  type ExecutionEventBus,
  InMemoryTaskStore,
  type RequestContext,
} from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { A2AServer } from 'afk/a2a';
import { Agent } from 'afk/agents';
import { Runner } from 'afk/core';
import { scripted } from 'afk/llms';
import { MCPServer } from 'afk/mcp';
import { InMemoryStore } from 'afk/memory';
import { tool } from 'afk/tools';
import { z } from 'zod';
import { fmt, median, rotate } from './stats.js';
import { type Suite, type SuiteContext, type SuiteResult, target } from './suite.js';

interface Listening {
  url: string;
  close(): Promise<void>;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The `add` tool as the SDK registers it (same name, schema and JSON text answer as AFK's). */
function sdkMcpServer(): McpServer {
  const mcp = new McpServer({ name: 'sdk-example', version: '1.0.0' });
  mcp.registerTool(
    'add',
    { description: 'Add two numbers', inputSchema: { a: z.number(), b: z.number() } },
    async ({ a, b }) => ({
      content: [{ type: 'text', text: JSON.stringify({ sum: a + b }) }],
      structuredContent: { sum: a + b },
    }),
  );
  return mcp;
}

/** The SDK's `simpleStatelessStreamableHttp` example, with the `add` tool. */
async function sdkExpressExample(): Promise<Listening> {
  const app = createMcpExpressApp();
  app.post('/mcp', async (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
    const server = sdkMcpServer();
    const transport = new StreamableHTTPServerTransport({});
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    close: () => closeServer(server),
  };
}

/** The same stateless pattern on bare `node:http` (no Express): the leanest SDK server. */
async function sdkNodeHttp(): Promise<Listening> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const mcp = sdkMcpServer();
    const transport = new StreamableHTTPServerTransport({});
    res.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    close: () => closeServer(server),
  };
}

async function mcpClient(url: string): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

interface Sampling {
  calls: number;
  reps: number;
  warmup: number;
}

/** Microseconds per call: median over `reps` batches of `calls` sequential calls. */
async function perCall(run: () => Promise<unknown>, s: Sampling): Promise<number> {
  for (let i = 0; i < s.warmup; i++) await run();
  const samples: number[] = [];
  for (let r = 0; r < s.reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < s.calls; i++) await run();
    samples.push(((performance.now() - t0) * 1000) / s.calls);
  }
  return median(samples);
}

/** Runs each contender once per round, rotating who goes first; the median of its rounds. */
async function compare(
  contenders: Record<string, () => Promise<unknown>>,
  rounds: number,
  s: Sampling,
  log: (m: string) => void,
): Promise<Record<string, { usPerCall: number; rounds: number[] }>> {
  const names = Object.keys(contenders);
  const got: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    for (const name of rotate(names, round)) {
      const us = await perCall(contenders[name]!, s);
      got[name]!.push(us);
      log(`  round ${round + 1}: ${name} ${fmt(us)} µs/call`);
    }
  }
  return Object.fromEntries(names.map((n) => [n, { usPerCall: median(got[n]!), rounds: got[n]! }]));
}

async function benchMcp(ctx: SuiteContext, s: Sampling, rounds: number) {
  const add = tool({
    name: 'add',
    description: 'Add two numbers',
    args: z.object({ a: z.number(), b: z.number() }),
    run: ({ a, b }) => ({ sum: a + b }),
    effects: 'pure',
  });
  const afk = await new MCPServer({ name: 'afk', version: '1.0.0', tools: [add] }).listen();
  const gated = await new MCPServer({
    name: 'afk-gated',
    version: '1.0.0',
    tools: [add],
    runner: new Runner({ store: new InMemoryStore() }),
  }).listen();
  const example = await sdkExpressExample();
  const bare = await sdkNodeHttp();
  const clients = {
    afk: await mcpClient(`${afk.url}/mcp`),
    sdkExample: await mcpClient(example.url),
    sdkNodeHttp: await mcpClient(bare.url),
    afkWithRunner: await mcpClient(`${gated.url}/mcp`),
  };
  // Both answer the same thing, checked once before timing.
  for (const c of Object.values(clients)) {
    const r = await c.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
    if (JSON.stringify(r.structuredContent) !== '{"sum":3}') throw new Error('unexpected MCP answer');
  }
  const call = (c: Client) => () => c.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
  try {
    return await compare(
      {
        afk: call(clients.afk),
        sdkExample: call(clients.sdkExample),
        sdkNodeHttp: call(clients.sdkNodeHttp),
        afkWithRunner: call(clients.afkWithRunner),
      },
      rounds,
      s,
      ctx.log,
    );
  } finally {
    await Promise.all(Object.values(clients).map((c) => c.close()));
    await Promise.all([afk.close(), gated.close(), example.close(), bare.close()]);
  }
}

const textMessage = (text: string): Message => ({
  messageId: crypto.randomUUID(),
  contextId: '',
  taskId: '',
  role: 1,
  parts: [
    { content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' },
  ],
  metadata: {},
  extensions: [],
  referenceTaskIds: [],
});

/** An executor built only with the A2A SDK: completes every task with "pong" at once. */
class PongExecutor implements AgentExecutor {
  execute = async (ctx: RequestContext, bus: ExecutionEventBus): Promise<void> => {
    const { taskId, contextId } = ctx;
    bus.publish(
      AgentEvent.task({
        id: taskId,
        contextId,
        status: {
          state: TaskState.TASK_STATE_SUBMITTED,
          message: undefined,
          timestamp: new Date().toISOString(),
        },
        artifacts: [],
        history: [ctx.userMessage],
        metadata: {},
      }),
    );
    const answer = { ...textMessage('pong'), role: 2, taskId, contextId };
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: {
          state: TaskState.TASK_STATE_COMPLETED,
          message: answer,
          timestamp: new Date().toISOString(),
        },
        metadata: {},
      }),
    );
    bus.finished();
  };
  cancelTask = async (): Promise<void> => undefined;
}

type ExpressApp = { use(...h: unknown[]): void; listen(p: number, h: string, cb: () => void): Server };

async function sdkA2AServer(): Promise<Listening> {
  const express = ((await import('express' as string)) as { default: () => ExpressApp }).default;
  const card: AgentCard = {
    name: 'sdk-pong',
    description: 'Pong',
    supportedInterfaces: [],
    provider: undefined,
    version: '1.0.0',
    capabilities: { streaming: true, pushNotifications: false, extensions: [], extendedAgentCard: false },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text'],
    defaultOutputModes: ['text'],
    skills: [],
    signatures: [],
  };
  const handler = new DefaultRequestHandler(card, new InMemoryTaskStore(), new PongExecutor());
  const app = express();
  app.use(`/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: handler }));
  app.use(jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  card.supportedInterfaces.push({
    url: `${url}/`,
    protocolBinding: 'JSONRPC',
    tenant: '',
    protocolVersion: A2A_PROTOCOL_VERSION,
  });
  return { url, close: () => closeServer(server) };
}

async function a2aClient(url: string) {
  const factory = new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [new JsonRpcTransportFactory()],
    }),
  );
  return factory.createFromUrl(url);
}

async function benchA2A(ctx: SuiteContext, s: Sampling, rounds: number) {
  const agent = new Agent({
    name: 'pong',
    model: scripted([{ text: 'pong' }], { onExhausted: 'repeat_last', keepRequests: false }),
  });
  const afk = await new A2AServer({
    agent,
    runner: new Runner({ store: new InMemoryStore() }),
    card: { name: 'pong', description: 'Pong', version: '1.0.0' },
  }).listen();
  const sdk = await sdkA2AServer();
  const clients = { afk: await a2aClient(afk.url), sdk: await a2aClient(sdk.url) };
  const send = (c: Awaited<ReturnType<typeof a2aClient>>) => async () => {
    const r = await c.sendMessage({
      tenant: '',
      message: textMessage('ping'),
      configuration: undefined,
      metadata: {},
    });
    if (!('status' in r) || r.status?.state !== TaskState.TASK_STATE_COMPLETED)
      throw new Error('A2A task did not complete');
  };
  try {
    return await compare({ afk: send(clients.afk), sdk: send(clients.sdk) }, rounds, s, ctx.log);
  } finally {
    await Promise.all([afk.close(), sdk.close()]);
  }
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const s: Sampling = ctx.quick ? { calls: 60, reps: 3, warmup: 20 } : { calls: 300, reps: 5, warmup: 50 };
  const rounds = ctx.quick ? 1 : 3;
  ctx.log('  MCP tools/call round trips');
  const mcp = await benchMcp(ctx, s, rounds);
  ctx.log('  A2A SendMessage round trips');
  const a2a = await benchA2A(ctx, s, rounds);
  const ratio = mcp.afk!.usPerCall / mcp.sdkExample!.usPerCall;
  const rel = (us: number) => fmt(us / mcp.sdkExample!.usPerCall, 2);
  const conditions = `loopback, one official client each, ${s.calls} sequential calls × ${s.reps} batches, median of ${rounds} rotated round(s)`;
  return {
    id: 'interop',
    title: 'MCP and A2A round trips (loopback)',
    tables: [
      {
        title: `MCP tools/call over Streamable HTTP (${conditions})`,
        columns: ['server', 'µs/call', 'calls/s', 'vs SDK example'],
        rows: [
          ['afk MCPServer.listen()', mcp.afk!.usPerCall],
          ['SDK example (createMcpExpressApp, stateless)', mcp.sdkExample!.usPerCall],
          ['SDK stateless on bare node:http', mcp.sdkNodeHttp!.usPerCall],
          ['afk MCPServer + runner (one-call run per call)', mcp.afkWithRunner!.usPerCall],
        ].map(([label, us]) => [
          String(label),
          fmt(us as number),
          fmt(1e6 / (us as number), 0),
          `${rel(us as number)}×`,
        ]),
      },
      {
        title: `A2A SendMessage, JSON-RPC (${conditions})`,
        columns: ['server', 'µs/message', 'messages/s', 'vs SDK'],
        rows: [
          ['afk A2AServer (an AFK run per message, scripted agent)', a2a.afk!.usPerCall],
          ['A2A SDK Express server (executor answers at once)', a2a.sdk!.usPerCall],
        ].map(([label, us]) => [
          String(label),
          fmt(us as number),
          fmt(1e6 / (us as number), 0),
          `${fmt((us as number) / a2a.sdk!.usPerCall, 2)}×`,
        ]),
      },
    ],
    targets: [
      target({
        id: 'interop.mcp-roundtrip-ratio',
        description: 'MCP tools/call round trip, afk MCPServer vs the SDK stateless example',
        actual: ratio,
        limit: 1.2,
        comparison: '<=',
        unit: '×',
        ...(ctx.quick ? { note: 'quick run' } : {}),
      }),
    ],
    data: { sampling: s, rounds, mcp, a2a },
    notes: [
      'MCP: every server answers `add` with the same text and structuredContent; the official SDK Client over StreamableHTTPClientTransport drives all of them. AFK serves each request statelessly (a fresh SDK Server + Web-standard transport), as the SDK example does.',
      "A2A: the official A2A client's JSON-RPC transport drives both; AFK's figure includes a full AFK run (events written to an InMemoryStore) per message.",
    ],
  };
}

export const suite: Suite = { id: 'interop', title: 'MCP and A2A round trips', run };

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await run({
    quick: process.argv.includes('--quick'),
    log: (m) => process.stderr.write(`${m}\n`),
  });
  console.log(JSON.stringify(result.data, null, 2));
}
