/**
 * Fixtures for the run-view screenshots: exports of a run with parallel tool calls and a
 * subagent, and of a failed run (written to /tmp/screens-runview/*.afk.json).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Agent } from 'afk/agents';
import { Runner } from 'afk/core';
import { Debugger } from 'afk/debugger';
import { scripted } from 'afk/llms';
import { InMemoryStore } from 'afk/memory';
import { tool } from 'afk/tools';
import { z } from 'zod';

const slow = (name: string, ms: number) =>
  tool({
    name,
    description: name,
    args: z.object({ q: z.string() }),
    run: async ({ q }) => {
      await new Promise((r) => setTimeout(r, ms));
      return { q, found: `${name} result for ${q}` };
    },
    effects: 'pure',
  });

const store = new InMemoryStore();
const runner = new Runner({ store });
const dbg = new Debugger({ store });
await mkdir('/tmp/screens-runview', { recursive: true });

const child = new Agent({
  name: 'summariser',
  instructions: 'Summarise.',
  model: scripted([
    {
      text: 'Two sources agree: Lisbon is sunny in May.',
      usage: { inputTokens: 120, outputTokens: 14 },
      delayMs: 90,
    },
  ]),
});
const parent = new Agent({
  name: 'researcher',
  instructions: 'Research with the tools, then ask the summariser.',
  tools: [slow('search_web', 120), slow('search_news', 70), slow('weather', 30)],
  subagents: [child],
  model: scripted([
    {
      toolCalls: [
        { id: 'c1', name: 'search_web', args: { q: 'Lisbon May weather' } },
        { id: 'c2', name: 'search_news', args: { q: 'Lisbon' } },
        { id: 'c3', name: 'weather', args: { q: 'Lisbon' } },
      ],
      usage: { inputTokens: 210, outputTokens: 40 },
      delayMs: 80,
    },
    {
      toolCalls: [{ id: 'c4', name: 'summariser', args: { task: 'Summarise the findings' } }],
      usage: { inputTokens: 420, outputTokens: 22 },
      delayMs: 60,
    },
    {
      text: 'Lisbon is usually sunny in May (about 22 °C).',
      usage: { inputTokens: 480, outputTokens: 18 },
      delayMs: 70,
    },
  ]),
});
const r1 = await runner.run(parent, { userMessage: 'What is the weather like in Lisbon in May?' });
await writeFile('/tmp/screens-runview/subagent.afk.json', JSON.stringify(await dbg.export(r1.runId)));

const broken = new Agent({
  name: 'mailer',
  tools: [slow('lookup', 40)],
  model: scripted([
    {
      toolCalls: [{ id: 'k1', name: 'lookup', args: { q: 'ada' } }],
      usage: { inputTokens: 90, outputTokens: 12 },
      delayMs: 50,
    },
    { error: { status: 429, message: 'Rate limit reached for gpt-4.1-mini: retry after 20s' } },
  ]),
});
const r2 = await runner.run(broken, { userMessage: 'Email Ada the report' });
await writeFile('/tmp/screens-runview/failed.afk.json', JSON.stringify(await dbg.export(r2.runId)));
console.log(JSON.stringify({ subagent: [r1.runId, r1.state], failed: [r2.runId, r2.state, r2.error] }));
