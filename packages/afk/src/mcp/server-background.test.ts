import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Runner } from '../core/index.js';
import { tool } from '../tools/index.js';
import type { NodeListener } from './node-http.js';
import { MCPServer, type MCPServerOptions } from './server.js';

const listeners: NodeListener[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});

async function connect(opts: MCPServerOptions, headers: Record<string, string> = {}): Promise<Client> {
  const l = await new MCPServer(opts).listen();
  listeners.push(l);
  return client(`${l.url}/mcp`, headers);
}

async function client(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const c = new Client({ name: 'test-client', version: '1.0.0' });
  await c.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  clients.push(c);
  return c;
}

/** A promise with its resolvers, for work the test settles when it has seen what it waits for. */
function gate<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A background tool whose in-process work is the given promise. */
function reportTool(work: () => Promise<unknown>) {
  return tool({
    name: 'report',
    description: 'Builds a report in the background',
    args: z.object({ topic: z.string() }),
    run: (_args, ctx) => ctx.defer({ summary: 'building the report', work: work() }),
  });
}

/** A background tool with no in-process work: an external worker settles its ticket. */
const externalReport = tool({
  name: 'report',
  description: 'Queued for an external worker',
  args: z.object({ topic: z.string() }),
  run: (_args, ctx) => ctx.defer({ summary: 'queued' }),
});

const text = (r: Record<string, unknown>) =>
  (r.content as Array<{ text: string }> | undefined)?.[0]?.text ?? '';

describe('background (deferring) tools over MCP', () => {
  it('without a runner: the call stays open with progress until the work settles', async () => {
    const work = gate<unknown>();
    const c = await connect({
      name: 'bg',
      version: '1.0.0',
      tools: [reportTool(() => work.promise)],
      background: { progressIntervalMs: 20 },
    });
    const progress: string[] = [];
    const r = await c.callTool({ name: 'report', arguments: { topic: 'q3' } }, undefined, {
      resetTimeoutOnProgress: true,
      onprogress: (p) => {
        progress.push(p.message ?? '');
        // Settle once two heartbeats showed the call is kept alive.
        if (progress.filter((m) => m.includes('still working')).length === 2) work.resolve({ pages: 12 });
      },
    });
    expect(progress[0]).toBe("'report' is working in the background: building the report");
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toEqual({ pages: 12 });

    const failing = gate<unknown>();
    const c2 = await connect({ name: 'bg', version: '1.0.0', tools: [reportTool(() => failing.promise)] });
    const pending = c2.callTool({ name: 'report', arguments: { topic: 'q4' } }, undefined, {
      onprogress: () => failing.reject(new Error('printer on fire')),
    });
    const failed = await pending;
    expect(failed.isError).toBe(true);
    expect(text(failed)).toBe("'report' failed in the background: printer on fire");
  });

  it('without a runner: past timeoutMs a clear isError result; external work is refused at once', async () => {
    const c = await connect({
      name: 'bg',
      version: '1.0.0',
      tools: [reportTool(() => new Promise(() => undefined))],
      background: { timeoutMs: 150 },
    });
    const r = await c.callTool({ name: 'report', arguments: { topic: 'q3' } });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^'report' is still running in the background after 150 ms\./);
    expect(r.structuredContent).toEqual({ status: 'background_pending', toolName: 'report' });

    const ext = await connect({ name: 'bg', version: '1.0.0', tools: [externalReport] });
    const refused = await ext.callTool({ name: 'report', arguments: { topic: 'q3' } });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/external worker .*give it a runner/);
  });

  it('with a runner: in-process work settles the ticket; the run records it', async () => {
    const work = gate<unknown>();
    const runner = new Runner();
    const c = await connect({
      name: 'bg',
      version: '1.0.0',
      tools: [reportTool(() => work.promise)],
      runner,
    });
    const progress: string[] = [];
    const r = await c.callTool({ name: 'report', arguments: { topic: 'q3' } }, undefined, {
      onprogress: (p) => {
        progress.push(p.message ?? '');
        work.resolve({ pages: 3 });
      },
    });
    expect(r.structuredContent).toEqual({ pages: 3 });
    expect(progress[0]).toMatch(/^'report' is working in the background \(ticket .+\)$/);
    const [run] = await runner.store.listRuns();
    expect(run?.status).toBe('completed');
    const types = (await runner.events(run!.runId)).map((e) => e.type);
    expect(types).toContain('tool_deferred');
    expect(types).toContain('tool_background_resolved');
  });

  it('with a runner: an external worker resolves the ticket while the call waits', async () => {
    const runner = new Runner({ config: { interactionMode: 'external' } });
    const c = await connect({ name: 'bg', version: '1.0.0', tools: [externalReport], runner });
    let resolving: Promise<void> | undefined;
    const r = await c.callTool({ name: 'report', arguments: { topic: 'q3' } }, undefined, {
      onprogress: (p) => {
        const ticketId = /ticket ([^)]+)\)/.exec(p.message ?? '')?.[1];
        if (!ticketId || resolving) return;
        resolving = (async () => {
          const t = (await runner.store.getTicket(ticketId))!;
          await runner.resolveBackgroundTool({
            threadId: t.threadId,
            runId: t.runId,
            ticketId,
            output: 'report ready',
          });
        })();
      },
    });
    await resolving;
    expect(r.isError).toBeFalsy();
    expect(r.content).toEqual([{ type: 'text', text: 'report ready' }]);
  });

  it('with a runner: past timeoutMs the call says so; the same caller picks the result up later, another caller does not', async () => {
    const runner = new Runner({ config: { interactionMode: 'external' } });
    const l = await new MCPServer({
      name: 'bg',
      version: '1.0.0',
      tools: [externalReport],
      runner,
      auth: { bearerTokens: ['alice', 'bob'] },
      background: { timeoutMs: 200 },
    }).listen();
    listeners.push(l);
    const alice = await client(`${l.url}/mcp`, { authorization: 'Bearer alice' });
    const bob = await client(`${l.url}/mcp`, { authorization: 'Bearer bob' });
    const args = { name: 'report', arguments: { topic: 'q3' } };
    const first = await alice.callTool(args);
    expect(first.isError).toBe(true);
    const pending = first.structuredContent as {
      status: string;
      runId: string;
      threadId: string;
      ticketIds: string[];
    };
    expect(pending.status).toBe('background_pending');
    expect(pending.ticketIds).toHaveLength(1);
    expect(text(first)).toMatch(/call again with the same arguments/);

    await runner.resolveBackgroundTool({
      threadId: pending.threadId,
      runId: pending.runId,
      ticketId: pending.ticketIds[0]!,
      output: { done: true },
    });
    // Bob's identical call is his own: a new run, not Alice's result.
    const bobs = await bob.callTool(args);
    expect((bobs.structuredContent as { runId: string }).runId).not.toBe(pending.runId);
    const again = await alice.callTool(args);
    expect(again.isError).toBeFalsy();
    expect(again.structuredContent).toEqual({ done: true });
    expect((await runner.store.getRun(pending.runId))?.status).toBe('completed');
  });
});
