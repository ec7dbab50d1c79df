import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { z } from 'zod';
import { A2AServer } from '../../a2a/index.js';
import { Agent } from '../../agents/index.js';
import { scripted } from '../../llms/index.js';
import { tool } from '../../tools/index.js';
import type { NodeListener } from '../node-http.js';
import { MCPServer } from '../server.js';
import './provided-interop.js';

/** The bearer token the loopback servers started for browser tests accept. */
export const BROWSER_TOKEN = 'browser-token';

const add = tool({
  name: 'add',
  description: 'Add two numbers',
  args: z.object({ a: z.number(), b: z.number() }),
  run: ({ a, b }) => ({ sum: a + b }),
  effects: 'pure',
});

/**
 * Vitest globalSetup of the browser project: browser tests cannot start Node servers, so this
 * starts a control endpoint; `POST /start` with `{ origin }` (the page's origin) starts a real
 * AFK `MCPServer` and `A2AServer` on loopback, with CORS for that origin and bearer auth, and
 * answers their URLs. All are closed at teardown.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started: NodeListener[] = [];
  const control = createServer((req, res) => {
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-allow-headers': 'content-type',
      'access-control-allow-methods': 'POST, OPTIONS',
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    if (req.method !== 'POST' || req.url !== '/start') {
      res.writeHead(404, cors).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        try {
          const { origin } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { origin: string };
          const guard = { cors: { origins: [origin] }, auth: { bearerTokens: [BROWSER_TOKEN] } };
          const mcp = await new MCPServer({
            name: 'loopback-tools',
            version: '1.0.0',
            tools: [add],
            ...guard,
          }).listen();
          const a2a = await new A2AServer({
            agent: new Agent({
              name: 'loopback',
              model: scripted([{ text: 'hello from Node' }], { onExhausted: 'repeat_last' }),
            }),
            card: { name: 'loopback', description: 'A loopback A2A agent', version: '1.0.0' },
            ...guard,
          }).listen();
          started.push(mcp, a2a);
          res
            .writeHead(200, { ...cors, 'content-type': 'application/json' })
            .end(JSON.stringify({ mcpUrl: `${mcp.url}/mcp`, a2aUrl: a2a.url, token: BROWSER_TOKEN }));
        } catch (e) {
          res.writeHead(500, cors).end(String(e));
        }
      })();
    });
  });
  await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
  project.provide('afkInteropControlUrl', `http://127.0.0.1:${(control.address() as AddressInfo).port}`);
  return async () => {
    await Promise.all(started.map((l) => l.close()));
    await new Promise<void>((r) => {
      control.close(() => r());
      control.closeAllConnections();
    });
  };
}
