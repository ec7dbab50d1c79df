import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent, PolicyEngine } from '../agents/index.js';
import { Runner } from '../core/index.js';
import { toolContent } from '../core/test-support/fixtures.js';
import { Debugger, flattenSpans } from '../debugger/index.js';
import { scripted } from '../llms/index.js';
import { connectMCP, type MCPConnection, mcpTools } from './client.js';
import { type SdkServerHandle, startSdkServer } from './test-support/sdk-server.js';

let sdk: SdkServerHandle;
const conns: MCPConnection[] = [];
beforeEach(async () => {
  sdk = await startSdkServer({ token: 'tok-1' });
});
afterEach(async () => {
  await Promise.all(conns.splice(0).map((c) => c.close().catch(() => undefined)));
  await sdk.close();
});

async function open(extra: Parameters<typeof connectMCP>[0] = {}) {
  const c = await connectMCP({ url: sdk.url, headers: { authorization: 'Bearer tok-1' }, ...extra });
  conns.push(c);
  return c;
}

const oneCall = (name: string, args: unknown) =>
  scripted([{ toolCalls: [{ id: 'c1', name, args }] }, { text: 'done' }]);

describe('mcpTools against a server built with the official MCP SDK (behaviour 58)', () => {
  it('lists the tools as AFK tools with the JSON Schema, server metadata and effects', async () => {
    const conn = await open({ prefix: 'fx_' });
    const tools = conn.tools();
    expect(tools.map((t) => t.name).sort()).toEqual(['fx_add', 'fx_big', 'fx_echo', 'fx_fails', 'fx_slow']);
    const add = tools.find((t) => t.name === 'fx_add')!;
    expect(add.parameters).toMatchObject({ type: 'object', required: ['a', 'b'] });
    expect(add.metadata).toEqual({ source: 'mcp', server: 'sdk-fixture', mcpTool: 'add' });
    expect(add.effects).toBe('pure');
    expect(add.description).toContain('sdk-fixture');
  });

  it('an agent calls them through the runner; output, schema violations and error results reach the model', async () => {
    const conn = await open();
    const model = scripted([
      {
        toolCalls: [
          { id: 'ok', name: 'add', args: { a: 2, b: 5 } },
          { id: 'bad', name: 'echo', args: { text: 42 } },
          { id: 'err', name: 'fails', args: {} },
        ],
      },
      { text: 'done' },
    ]);
    const agent = new Agent({ name: 'user', model, tools: conn.tools() });
    const add = conn.tools().find((t) => t.name === 'add')!;
    const runner = new Runner();
    const result = await runner.run(agent, { userMessage: 'go' });
    expect(result.state).toBe('completed');
    const seen = model.requests[1];
    expect(toolContent(seen, 'ok')).toBe('{"sum":7}');
    expect(toolContent(seen, 'bad')).toMatch(/text/);
    expect(toolContent(seen, 'err')).toMatch(/disk on fire/);
    // The invalid call never reached the server.
    expect(sdk.calls.map((c) => c.tool).sort()).toEqual(['add', 'fails']);
    const rec = result.toolExecutions.find((r) => r.toolCallId === 'ok');
    expect(rec).toMatchObject({ success: true, output: { sum: 7 } });
    // The gate journaled each call that ran (tool_started, durable before the call) with its effects.
    const started = (await runner.events(result.runId)).filter((e) => e.type === 'tool_started');
    expect(started.map((e) => e.data)).toEqual([
      expect.objectContaining({ toolName: 'add', effects: 'pure', metadata: add.metadata }),
      expect.objectContaining({ toolName: 'fails', effects: 'side_effect' }),
    ]);
  });

  it('a needsApproval option pauses the run; approving runs the MCP tool once', async () => {
    const conn = await open({ needsApproval: (name) => name === 'echo' });
    const runner = new Runner({ config: { interactionMode: 'external' } });
    const agent = new Agent({ name: 'user', model: oneCall('echo', { text: 'hi' }), tools: conn.tools() });
    const paused = await runner.run(agent, { userMessage: 'go' });
    expect(paused.state).toBe('interrupted');
    expect(paused.pending?.approvals[0]?.toolName).toBe('echo');
    expect(sdk.calls).toHaveLength(0);
    await runner.decideApproval({
      approvalId: paused.pending!.approvals[0]!.id,
      decision: { kind: 'approve' },
    });
    const done = await runner.resume(agent, { runId: paused.runId, threadId: paused.threadId });
    expect(done.state).toBe('completed');
    expect(sdk.calls).toEqual([{ tool: 'echo', args: { text: 'hi' } }]);
    // On the timeline the MCP tool's span names its server.
    const tl = await new Debugger({ store: runner.store }).timeline(paused.runId);
    const span = flattenSpans(tl.root).find((x) => x.kind === 'tool' && x.name === 'echo');
    expect(span?.attributes['afk.tool.server']).toBe(conn.serverName);
    expect(span?.attributes['afk.tool.metadata']).toMatchObject({ source: 'mcp', mcpTool: 'echo' });
  });

  it('a policy request_approval rule on MCP tools pauses the run', async () => {
    const conn = await open({ prefix: 'remote_' });
    const runner = new Runner({
      config: { interactionMode: 'external' },
      policy: new PolicyEngine([
        { id: 'ask-remote', action: 'request_approval', when: { tool: 'remote_*' } },
      ]),
    });
    const agent = new Agent({
      name: 'user',
      model: oneCall('remote_add', { a: 1, b: 1 }),
      tools: conn.tools(),
    });
    const paused = await runner.run(agent, { userMessage: 'go' });
    expect(paused.state).toBe('interrupted');
    expect(paused.pending?.approvals[0]).toMatchObject({ toolName: 'remote_add', ruleId: 'ask-remote' });
    expect(sdk.calls).toHaveLength(0);
  });

  it('picks up tools/list_changed; a large output is truncated for the model', async () => {
    const conn = await open();
    const changed = new Promise<string[]>((resolve) =>
      conn.onToolsChanged((t) => resolve(t.map((x) => x.name))),
    );
    sdk.addTool('late');
    expect(await changed).toContain('late');
    const late = conn.tools().find((t) => t.name === 'late')!;
    const model = scripted([
      {
        toolCalls: [
          { id: 'l', name: 'late', args: { x: 3 } },
          { id: 'b', name: 'big', args: { n: 50_000 } },
        ],
      },
      { text: 'done' },
    ]);
    const big = conn.tools().find((t) => t.name === 'big')!;
    const agent = new Agent({ name: 'user', model, tools: [late, big] });
    const result = await new Runner({ config: { toolOutputMaxChars: 1000 } }).run(agent, {
      userMessage: 'go',
    });
    expect(result.state).toBe('completed');
    expect(toolContent(model.requests[1], 'l')).toBe('late(3)');
    expect(toolContent(model.requests[1], 'b')).toMatch(/truncated: 49000 more characters/);
  });

  it('a server that dies mid-call becomes a tool error, bounded in time', async () => {
    const conn = await open({ timeoutMs: 5000 });
    const model = oneCall('slow', {});
    const agent = new Agent({ name: 'user', model, tools: conn.tools() });
    const run = new Runner().run(agent, { userMessage: 'go' });
    await sdk.slowStarted;
    sdk.kill();
    const result = await run;
    expect(result.state).toBe('completed');
    const rec = result.toolExecutions.find((r) => r.toolName === 'slow');
    expect(rec?.success).toBe(false);
    expect(toolContent(model.requests[1], 'c1')).toMatch(/Error/);
  });

  it('mcpTools() returns the tools; its signal closes the connection', async () => {
    const stop = new AbortController();
    const tools = await mcpTools({
      url: sdk.url,
      headers: { authorization: 'Bearer tok-1' },
      signal: stop.signal,
    });
    expect(tools.map((t) => t.name).sort()).toEqual(['add', 'big', 'echo', 'fails', 'slow']);
    const model = oneCall('echo', { text: 'hey' });
    const result = await new Runner().run(new Agent({ name: 'user', model, tools }), { userMessage: 'go' });
    expect(toolContent(model.requests[1], 'c1')).toBe('echo: hey');
    stop.abort();
    const after = oneCall('echo', { text: 'again' });
    await new Runner().run(new Agent({ name: 'user', model: after, tools }), { userMessage: 'go' });
    expect(toolContent(after.requests[1], 'c1')).toMatch(/Error/);
    expect(result.state).toBe('completed');
  });

  it('a missing token is refused at connect', async () => {
    await expect(connectMCP({ url: sdk.url })).rejects.toThrow();
  });

  it('refuses bad options with a typed error', async () => {
    await expect(connectMCP({})).rejects.toMatchObject({ code: 'invalid_config' });
    await expect(connectMCP({ url: 'http://127.0.0.1:1/mcp', command: 'x' })).rejects.toMatchObject({
      code: 'invalid_config',
    });
  });
});

describe('stdio', () => {
  it('the official MCP client spawns an AFK MCPServer over stdio, lists and calls its tools', async () => {
    const fixture = fileURLToPath(new URL('./test-support/stdio-server.ts', import.meta.url));
    const client = new Client({ name: 'official', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: ['--import', 'tsx', fixture],
        stderr: 'pipe',
      }),
    );
    try {
      expect(client.getServerVersion()?.name).toBe('afk-stdio');
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(['add']);
      expect(tools[0]?.inputSchema).toMatchObject({ type: 'object', required: ['a', 'b'] });
      const r = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } });
      expect(r.structuredContent).toEqual({ sum: 42 });
      const bad = await client.callTool({ name: 'add', arguments: { a: 'x' } });
      expect(bad.isError).toBe(true);
      await expect(client.callTool({ name: 'nope', arguments: {} })).rejects.toThrow(/not found/);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('mcpTools spawns an AFK MCPServer over stdio and calls its tools', async () => {
    const fixture = fileURLToPath(new URL('./test-support/stdio-server.ts', import.meta.url));
    const conn = await connectMCP({ command: process.execPath, args: ['--import', 'tsx', fixture] });
    conns.push(conn);
    expect(conn.serverName).toBe('afk-stdio');
    const model = oneCall('add', { a: 20, b: 22 });
    const agent = new Agent({ name: 'user', model, tools: conn.tools() });
    const result = await new Runner().run(agent, { userMessage: 'go' });
    expect(result.state).toBe('completed');
    expect(toolContent(model.requests[1], 'c1')).toBe('{"sum":42}');
  }, 60_000);
});
