import { TaskState } from '@a2a-js/sdk';
import { describe, expect, it } from 'vitest';
import { Agent } from '../agents/index.js';
import { Runner } from '../core/index.js';
import { scripted } from '../llms/index.js';
import { loopbackServers } from '../mcp/test-support/loopback.js';
import { A2AClient } from './client.js';
import { a2aAgent } from './remote-agent.js';
import { A2AServer } from './server.js';

describe('A2A in Chromium', () => {
  it('an A2AClient talks to an in-page A2AServer through its fetch-style handler', async () => {
    const server = new A2AServer({
      agent: new Agent({
        name: 'pager',
        model: scripted([{ text: 'hi from the page' }], { onExhausted: 'repeat_last' }),
      }),
      card: { name: 'pager', description: 'In-page agent', version: '1.0.0' },
      auth: { bearerTokens: ['page-token'] },
    });
    const client = new A2AClient({
      url: 'http://localhost',
      auth: { bearerToken: 'page-token' },
      fetch: (input, init) => server.handle(new Request(input, init)),
    });
    const r = await client.send('hello');
    expect(r.text).toBe('hi from the page');
    expect(r.task?.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);

    const lead = new Agent({
      name: 'lead',
      model: scripted([{ toolCalls: [{ name: 'pager', args: { task: 'say hi' } }] }, { text: 'relayed' }]),
      subagents: [a2aAgent(client, { name: 'pager', description: 'In-page agent' })],
    });
    const result = await new Runner().run(lead, { userMessage: 'go' });
    expect(result.subagentExecutions[0]).toMatchObject({
      subagentName: 'pager',
      success: true,
      outputText: 'hi from the page',
    });
  });

  it('an A2AClient in the page talks to a loopback A2AServer over real HTTP (CORS, bearer auth)', async () => {
    const { a2aUrl, token } = await loopbackServers();
    const client = new A2AClient({ url: a2aUrl, auth: { bearerToken: token } });
    const r = await client.send('hello');
    expect(r.text).toBe('hello from Node');
    expect(r.task?.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect((await client.getTask(r.task!.id)).status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const anonymous = new A2AClient({ url: a2aUrl });
    await expect(anonymous.send('hello')).rejects.toThrow();
  });
});
