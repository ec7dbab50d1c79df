import { type Message, type Task, TaskState } from '@a2a-js/sdk';
import {
  type Client,
  ClientFactory,
  ClientFactoryOptions,
  JsonRpcTransportFactory,
} from '@a2a-js/sdk/client';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/index.js';
import { Runner } from '../core/index.js';
import { scripted } from '../llms/index.js';
import type { NodeListener } from '../mcp/node-http.js';
import { InMemoryStore } from '../memory/index.js';
import { tool } from '../tools/index.js';
import { message, partsData, taskText, textPart } from './parts.js';
import { A2AServer } from './server.js';
import { runIdOfTask } from './task-view.js';

const listeners: NodeListener[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});

const card = { name: 'helper', description: 'Answers questions', version: '1.0.0' };

async function serve(server: A2AServer): Promise<string> {
  const l = await server.listen();
  listeners.push(l);
  return l.url;
}

function officialClient(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const fetchImpl: typeof fetch = (input, init) => {
    const h = new Headers(init?.headers);
    for (const [k, v] of Object.entries(headers)) h.set(k, v);
    return fetch(input, { ...init, headers: h });
  };
  const factory = new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [new JsonRpcTransportFactory({ fetchImpl })],
    }),
  );
  return factory.createFromUrl(url);
}

const send = (text: string, ids: { taskId?: string; contextId?: string } = {}) => ({
  tenant: '',
  message: message('user', [textPart(text)], ids),
  configuration: undefined,
  metadata: {},
});

function asTask(r: Message | Task): Task {
  expect('status' in r).toBe(true);
  return r as Task;
}

const rpc = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'a2a-version': '1.0', ...headers },
    body,
  });

describe('A2AServer with the official A2A client (behaviour 59)', () => {
  it('serves the card, answers a message, streams a task, gets it', async () => {
    const model = scripted([{ text: 'Hello from AFK.' }], { onExhausted: 'repeat_last' });
    const url = await serve(new A2AServer({ agent: new Agent({ name: 'helper', model }), card }));
    const cardRes = await fetch(`${url}/.well-known/agent-card.json`);
    const served = await cardRes.json();
    expect(served).toMatchObject({ name: 'helper', version: '1.0.0', capabilities: { streaming: true } });
    expect(served.supportedInterfaces[0]).toMatchObject({ url: `${url}/`, protocolBinding: 'JSONRPC' });

    const client = await officialClient(url);
    const task = asTask(await client.sendMessage(send('hi')));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(taskText(task)).toBe('Hello from AFK.');
    expect(model.requests[0]?.messages.at(-1)).toMatchObject({ role: 'user', content: 'hi' });

    const kinds: string[] = [];
    let streamedId = '';
    for await (const ev of client.sendMessageStream(send('again'))) {
      const p = ev.payload;
      if (!p) continue;
      kinds.push(p.$case === 'statusUpdate' ? `status:${p.value.status?.state}` : p.$case);
      if (p.$case === 'task') streamedId = p.value.id;
    }
    expect(kinds[0]).toBe('task');
    expect(kinds).toContain(`status:${TaskState.TASK_STATE_WORKING}`);
    expect(kinds).toContain('artifactUpdate');
    expect(kinds.at(-1)).toBe(`status:${TaskState.TASK_STATE_COMPLETED}`);

    const got = await client.getTask({ tenant: '', id: streamedId });
    expect(got.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(taskText(got)).toBe('Hello from AFK.');
    await expect(client.getTask({ tenant: '', id: 'no-such-task' })).rejects.toThrow();
  });

  it('a task paused for approval is input-required and continues with the next message', async () => {
    let ran = 0;
    const wire = tool({
      name: 'wire',
      description: 'Send money',
      args: z.object({ amount: z.number() }),
      needsApproval: true,
      run: ({ amount }) => `sent ${amount} (#${++ran})`,
    });
    const model = scripted((req) => {
      const last = req.messages.at(-1);
      if (last?.role === 'tool') return { text: `Result: ${last.content}` };
      return { toolCalls: [{ name: 'wire', args: { amount: 5 } }] };
    });
    const runner = new Runner({ config: { interactionMode: 'external' } });
    const agent = new Agent({ name: 'bank', model, tools: [wire] });
    const url = await serve(new A2AServer({ agent, runner, card }));
    const client = await officialClient(url);

    const paused = asTask(await client.sendMessage(send('pay 5')));
    expect(paused.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const [info] = partsData(paused.status?.message?.parts) as Array<{
      approvals: Array<{ toolName: string }>;
    }>;
    expect(info?.approvals[0]?.toolName).toBe('wire');
    expect(ran).toBe(0);

    const notADecision = asTask(
      await client.sendMessage(send('hmm?', { taskId: paused.id, contextId: paused.contextId })),
    );
    expect(notADecision.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(ran).toBe(0);

    const done = asTask(
      await client.sendMessage(send('approve', { taskId: paused.id, contextId: paused.contextId })),
    );
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(taskText(done)).toBe('Result: sent 5 (#1)');
    expect(ran).toBe(1);

    const second = asTask(await client.sendMessage(send('pay again')));
    expect(second.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const rejected = asTask(
      await client.sendMessage(send('reject: not today', { taskId: second.id, contextId: second.contextId })),
    );
    expect(rejected.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(taskText(rejected)).toContain('not today');
    expect(ran).toBe(1);
  });

  it('a second server over the same store answers GetTask for old tasks and continues an input-required one', async () => {
    let ran = 0;
    const wire = tool({
      name: 'wire',
      description: 'Send money',
      args: z.object({ amount: z.number() }),
      needsApproval: true,
      run: ({ amount }) => `sent ${amount} (#${++ran})`,
    });
    const model = scripted((req) => {
      const last = req.messages.at(-1);
      if (last?.role === 'tool') return { text: `Result: ${last.content}` };
      if (last?.role === 'user' && last.content === 'hello') return { text: 'Hi there.' };
      return { toolCalls: [{ name: 'wire', args: { amount: 5 } }] };
    });
    const agent = new Agent({ name: 'bank', model, tools: [wire] });
    const store = new InMemoryStore();
    const config = { interactionMode: 'external' as const };
    const first = new A2AServer({ agent, runner: new Runner({ store, config }), card });
    const l1 = await first.listen();
    const c1 = await officialClient(l1.url);
    const done = asTask(await c1.sendMessage(send('hello')));
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const paused = asTask(await c1.sendMessage(send('pay 5')));
    const pausedToo = asTask(await c1.sendMessage(send('pay 5 again')));
    expect(paused.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(await store.getRun(runIdOfTask(paused.id))).toMatchObject({ status: 'interrupted' });
    await l1.close();

    // A new server (new runner, new SDK task store) over the same AFK store.
    const runner2 = new Runner({ store, config });
    const url2 = await serve(new A2AServer({ agent, runner: runner2, card }));
    const c2 = await officialClient(url2);
    const old = await c2.getTask({ tenant: '', id: done.id });
    expect(old.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(old.contextId).toBe(done.contextId);
    expect(taskText(old)).toBe('Hi there.');
    expect(old.history[0]?.parts[0]?.content).toEqual({ $case: 'text', value: 'hello' });
    const oldPaused = await c2.getTask({ tenant: '', id: paused.id });
    expect(oldPaused.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const [info] = partsData(oldPaused.status?.message?.parts) as Array<{
      approvals: Array<{ toolName: string }>;
    }>;
    expect(info?.approvals[0]?.toolName).toBe('wire');
    await expect(c2.getTask({ tenant: '', id: 'never-existed' })).rejects.toThrow();
    expect(ran).toBe(0);

    const continued = asTask(
      await c2.sendMessage(send('approve', { taskId: paused.id, contextId: paused.contextId })),
    );
    expect(continued.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(taskText(continued)).toBe('Result: sent 5 (#1)');
    expect(ran).toBe(1);
    expect((await store.getRun(runIdOfTask(paused.id)))?.status).toBe('completed');

    // Cancelling the other paused task from the new server cancels its run.
    const cancelled = await c2.cancelTask({ tenant: '', id: pausedToo.id, metadata: {} });
    expect(cancelled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    expect((await store.getRun(runIdOfTask(pausedToo.id)))?.status).toBe('cancelled');
    expect(ran).toBe(1);
  });

  it('concurrent conversations stay apart: each context sees only its own history', async () => {
    // Answers with the first user message of the conversation it was given.
    const model = scripted((req) => {
      const first = req.messages.find((m) => m.role === 'user')?.content as string;
      return { text: `you said first: ${first}` };
    });
    const url = await serve(new A2AServer({ agent: new Agent({ name: 'memo', model }), card }));
    const [c1, c2] = await Promise.all([officialClient(url), officialClient(url)]);
    const [t1, t2] = await Promise.all([
      c1.sendMessage(send('I am one')).then(asTask),
      c2.sendMessage(send('I am two')).then(asTask),
    ]);
    expect(t1.contextId).not.toBe(t2.contextId);
    const [n1, n2] = await Promise.all([
      c1.sendMessage(send('who?', { contextId: t1.contextId })).then(asTask),
      c2.sendMessage(send('who?', { contextId: t2.contextId })).then(asTask),
    ]);
    expect(taskText(n1)).toBe('you said first: I am one');
    expect(taskText(n2)).toBe('you said first: I am two');
  });

  it('cancelling a task cancels its AFK run', async () => {
    let calling!: () => void;
    const callingSeen = new Promise<void>((r) => {
      calling = r;
    });
    const slow = tool({
      name: 'slow',
      description: 'Waits until aborted',
      args: z.object({}),
      run: (_a, ctx) =>
        new Promise((_, reject) => {
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
        }),
    });
    const runner = new Runner();
    const agent = new Agent({
      name: 'sleeper',
      model: scripted([{ toolCalls: [{ name: 'slow', args: {} }] }, { text: 'never' }]),
      tools: [slow],
    });
    const url = await serve(new A2AServer({ agent, runner, card }));
    const client = await officialClient(url);
    const states: number[] = [];
    let taskId = '';
    let contextId = '';
    const consume = (async () => {
      for await (const ev of client.sendMessageStream(send('sleep'))) {
        const p = ev.payload;
        if (p?.$case === 'task') {
          taskId = p.value.id;
          contextId = p.value.contextId;
        }
        if (p?.$case === 'statusUpdate') {
          states.push(p.value.status?.state ?? -1);
          if (taskText({ artifacts: [], status: p.value.status } as unknown as Task) === 'calling slow')
            calling();
        }
      }
    })();
    await callingSeen;
    const cancelled = await client.cancelTask({ tenant: '', id: taskId, metadata: {} });
    expect(cancelled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    await consume;
    expect(states.at(-1)).toBe(TaskState.TASK_STATE_CANCELED);
    const runs = await runner.store.listRuns({ threadId: contextId });
    expect(runs.map((r) => r.status)).toEqual(['cancelled']);
  });

  it('with auth: the card stays public, calls without a valid token are 401', async () => {
    const model = scripted([{ text: 'secret answer' }], { onExhausted: 'repeat_last' });
    const url = await serve(
      new A2AServer({
        agent: new Agent({ name: 'helper', model }),
        card,
        auth: { bearerTokens: ['tok-a2a'] },
      }),
    );
    const served = await (await fetch(`${url}/.well-known/agent-card.json`)).json();
    expect(Object.keys(served.securitySchemes)).toEqual(['bearer']);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: 'x' } });
    expect((await rpc(`${url}/`, body)).status).toBe(401);
    expect((await rpc(`${url}/`, body, { authorization: 'Bearer wrong' })).status).toBe(401);
    const anonymous = await officialClient(url);
    await expect(anonymous.sendMessage(send('hi'))).rejects.toThrow();
    const client = await officialClient(url, { authorization: 'Bearer tok-a2a' });
    expect(taskText(asTask(await client.sendMessage(send('hi'))))).toBe('secret answer');
  });

  it('an auth function accepts, refuses (401) and, when it throws, refuses with a clear 401, never a 500', async () => {
    const model = scripted([{ text: 'tenant answer' }], { onExhausted: 'repeat_last' });
    const url = await serve(
      new A2AServer({
        agent: new Agent({ name: 'helper', model }),
        card,
        auth: async (req) => {
          if (req.headers.get('x-explode')) throw new Error('directory at ldap://10.0.0.9 unreachable');
          return req.headers.get('x-tenant') === 'acme';
        },
      }),
    );
    // The card stays public; a function form advertises no static scheme.
    const served = await (await fetch(`${url}/.well-known/agent-card.json`)).json();
    expect(served.securitySchemes).toEqual({});
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: 'x' } });
    const none = await rpc(`${url}/`, body);
    expect(none.status).toBe(401);
    expect((await none.json()).error.message).toMatch(/missing or invalid credentials/);
    expect((await rpc(`${url}/`, body, { 'x-tenant': 'other' })).status).toBe(401);
    const threw = await rpc(`${url}/`, body, { 'x-tenant': 'acme', 'x-explode': '1' });
    expect(threw.status).toBe(401);
    const text = await threw.text();
    expect(JSON.parse(text).error.message).toBe(
      'Unauthorized: the auth check failed, so the request was refused',
    );
    expect(text).not.toContain('10.0.0.9');
    const refused = await officialClient(url, { 'x-explode': '1' });
    await expect(refused.sendMessage(send('hi'))).rejects.toThrow();
    const client = await officialClient(url, { 'x-tenant': 'acme' });
    expect(taskText(asTask(await client.sendMessage(send('hi'))))).toBe('tenant answer');
  });

  it('API keys: X-API-Key accepted, a wrong one refused, advertised on the card', async () => {
    const model = scripted([{ text: 'keyed' }], { onExhausted: 'repeat_last' });
    const url = await serve(
      new A2AServer({ agent: new Agent({ name: 'helper', model }), card, auth: { apiKeys: ['k-1'] } }),
    );
    const served = await (await fetch(`${url}/.well-known/agent-card.json`)).json();
    expect(Object.keys(served.securitySchemes)).toEqual(['apiKey']);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: 'x' } });
    expect((await rpc(`${url}/`, body, { 'x-api-key': 'k-2' })).status).toBe(401);
    const client = await officialClient(url, { 'x-api-key': 'k-1' });
    expect(taskText(asTask(await client.sendMessage(send('hi'))))).toBe('keyed');
  });

  it('bad input gets protocol-correct errors and the server keeps serving', async () => {
    const model = scripted([{ text: 'still here' }], { onExhausted: 'repeat_last' });
    const url = await serve(
      new A2AServer({ agent: new Agent({ name: 'helper', model }), card, maxBodyBytes: 5000 }),
    );
    const parse = await rpc(`${url}/`, '{"jsonrpc":');
    expect(parse.status).toBe(400);
    expect((await parse.json()).error.code).toBe(-32700);
    const unknown = await rpc(
      `${url}/`,
      JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'NoSuchMethod', params: {} }),
    );
    expect((await unknown.json()).error.code).toBe(-32601);
    const type = await fetch(`${url}/`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(type.status).toBe(400);
    expect((await type.json()).error.code).toBeLessThan(0);
    const big = await rpc(`${url}/`, JSON.stringify({ pad: 'x'.repeat(10_000) }));
    expect(big.status).toBe(413);
    const origin = await rpc(`${url}/`, '{}', { origin: 'https://evil.example' });
    expect(origin.status).toBe(403);
    const getTask = JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'GetTask', params: { id: 'missing' } });
    // 1,000 requests in waves of 200 concurrent connections.
    const flood: number[] = [];
    for (let wave = 0; wave < 5; wave++) {
      const batch = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          i % 2 ? rpc(`${url}/`, getTask) : rpc(`${url}/`, '{oops'),
        ).map((p) => p.then(async (r) => (await r.json()).error?.code as number)),
      );
      flood.push(...batch);
    }
    expect(flood.filter((c) => c === -32700)).toHaveLength(500);
    expect(flood.filter((c) => typeof c === 'number' && c !== -32700)).toHaveLength(500);
    const client = await officialClient(url);
    expect(taskText(asTask(await client.sendMessage(send('hi'))))).toBe('still here');
  }, 90_000);
});
