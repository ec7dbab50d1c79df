import { TaskState } from '@a2a-js/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/index.js';
import { Runner } from '../core/index.js';
import { toolContent } from '../core/test-support/fixtures.js';
import { Debugger, flattenSpans } from '../debugger/index.js';
import { scripted } from '../llms/index.js';
import type { NodeListener } from '../mcp/node-http.js';
import { tool } from '../tools/index.js';
import { A2AClient } from './client.js';
import { a2aAgent } from './remote-agent.js';
import { A2AServer } from './server.js';
import { startSdkA2AServer } from './test-support/sdk-server.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

const card = { name: 'remote', description: 'A remote AFK agent', version: '1.0.0' };

describe('A2AClient against a server built with the official A2A SDK', () => {
  it('sends, streams, gets tasks; a failed remote task surfaces its state', async () => {
    const sdk = await startSdkA2AServer();
    closers.push(sdk.close);
    const client = new A2AClient({ url: sdk.url });
    const r = await client.send('hello');
    expect(r.text).toBe('echo: hello');
    expect(r.task?.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const got = await client.getTask(r.task!.id);
    expect(got.id).toBe(r.task!.id);
    const cases: string[] = [];
    for await (const ev of client.stream('streamed')) if (ev.payload) cases.push(ev.payload.$case);
    expect(cases[0]).toBe('task');
    expect(cases).toContain('statusUpdate');
    const failed = await client.send('fail');
    expect(failed.task?.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(sdk.seen).toEqual(['hello', 'streamed', 'fail']);
  });

  it('cancelTask: a finished task on the SDK server is a protocol error; a paused AFK task is cancelled', async () => {
    const sdk = await startSdkA2AServer();
    closers.push(sdk.close);
    const client = new A2AClient({ url: sdk.url });
    const done = await client.send('hello');
    await expect(client.cancelTask(done.task!.id)).rejects.toThrow(/cancel/i);
    await expect(client.getTask('no-such-task')).rejects.toThrow(/not found/i);

    const wire = tool({
      name: 'wire',
      description: 'Send money',
      args: z.object({}),
      needsApproval: true,
      run: () => 'sent',
    });
    const runner = new Runner({ config: { interactionMode: 'external' } });
    const server = new A2AServer({
      agent: new Agent({
        name: 'bank',
        model: scripted([{ toolCalls: [{ name: 'wire', args: {} }] }]),
        tools: [wire],
      }),
      runner,
      card,
    });
    const l = await server.listen();
    closers.push(() => l.close());
    const afk = new A2AClient({ url: l.url });
    const paused = await afk.send('pay');
    expect(paused.task?.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const cancelled = await afk.cancelTask(paused.task!.id);
    expect(cancelled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    const [run] = await runner.store.listRuns({ threadId: paused.task!.contextId });
    expect(run?.status).toBe('cancelled');
  });

  it('refuses bad options with a typed error', () => {
    expect(() => new A2AClient({ url: 'not a url' })).toThrow(
      expect.objectContaining({ code: 'invalid_config' }),
    );
  });
});

describe('a2aAgent: a remote agent as a subagent (behaviour 60)', () => {
  it('delegates over A2A; the call is in subagentExecutions and on the timeline', async () => {
    // The remote side: an AFK agent behind an A2AServer, with auth.
    const add = tool({
      name: 'add',
      description: 'Add',
      args: z.object({ a: z.number(), b: z.number() }),
      run: ({ a, b }) => a + b,
    });
    const remoteModel = scripted((req) => {
      const last = req.messages.at(-1);
      if (last?.role === 'tool') return { text: `The sum is ${last.content}.` };
      return { toolCalls: [{ name: 'add', args: { a: 19, b: 23 } }] };
    });
    const remoteServer = new A2AServer({
      agent: new Agent({ name: 'calculator', model: remoteModel, tools: [add] }),
      card,
      auth: { apiKeys: ['k-remote'] },
    });
    const l: NodeListener = await remoteServer.listen();
    closers.push(() => l.close());

    const remote = a2aAgent(new A2AClient({ url: l.url, auth: { apiKey: 'k-remote' } }), {
      name: 'calculator',
      description: 'Adds numbers remotely',
    });
    const parentModel = scripted([
      { toolCalls: [{ id: 'd1', name: 'calculator', args: { task: 'What is 19 + 23?' } }] },
      { text: 'Done: 42.' },
    ]);
    const parent = new Agent({ name: 'lead', model: parentModel, subagents: [remote] });
    const runner = new Runner();
    const result = await runner.run(parent, { userMessage: 'add please' });
    expect(result.state).toBe('completed');
    expect(result.finalText).toBe('Done: 42.');
    expect(toolContent(parentModel.requests[1], 'd1')).toBe('The sum is 42.');
    expect(result.subagentExecutions).toHaveLength(1);
    expect(result.subagentExecutions[0]).toMatchObject({
      subagentName: 'calculator',
      success: true,
      outputText: 'The sum is 42.',
    });
    expect(remoteModel.requests[0]?.messages.at(-1)).toMatchObject({
      role: 'user',
      content: 'What is 19 + 23?',
    });
    const types = (await runner.events(result.runId)).map((e) => e.type);
    expect(types).toContain('subagent_started');
    expect(types).toContain('subagent_completed');
    // On the timeline: a subagent span for the remote call, with the child run under it.
    const tl = await new Debugger({ store: runner.store }).timeline(result.runId);
    const span = flattenSpans(tl.root).find((s) => s.kind === 'subagent' && s.name === 'calculator');
    expect(span?.status).toBe('ok');
  });

  it('a failed remote task is a subagent error the parent model sees', async () => {
    const sdk = await startSdkA2AServer();
    closers.push(sdk.close);
    const remote = a2aAgent(new A2AClient({ url: sdk.url }), { name: 'echoer', description: 'Echoes' });
    const parentModel = scripted([
      {
        toolCalls: [
          { id: 'ok', name: 'echoer', args: { task: 'ping' } },
          { id: 'bad', name: 'echoer', args: { task: 'fail' } },
        ],
      },
      { text: 'ok' },
    ]);
    const result = await new Runner().run(
      new Agent({ name: 'lead', model: parentModel, subagents: [remote] }),
      {
        userMessage: 'go',
      },
    );
    expect(result.state).toBe('completed');
    const seen = parentModel.requests[1];
    expect(toolContent(seen, 'ok')).toBe('echo: ping');
    expect(toolContent(seen, 'bad')).toMatch(/Error.*failed/);
    expect(result.subagentExecutions.map((s) => s.success).sort()).toEqual([false, true]);
  });
});
