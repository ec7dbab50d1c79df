import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { scripted } from '../llms/providers/scripted.js';
import { InMemoryTelemetry } from '../telemetry/index.js';
import { Runner } from './runner.js';
import { add } from './test-helpers.js';

describe('telemetry', () => {
  it('reports spans for the run, each LLM call and each tool call, plus counters and histograms', async () => {
    const telemetry = new InMemoryTelemetry();
    const model = scripted([{ toolCalls: [{ name: 'add', args: { a: 1, b: 2 } }] }, { text: 'ok' }]);
    await new Runner({ telemetry }).run(new Agent({ name: 'a', model, tools: [add] }), { userMessage: 'x' });
    const names = telemetry.spans.map((s) => s.name);
    expect(names.filter((n) => n === 'afk.run')).toHaveLength(1);
    expect(names.filter((n) => n === 'afk.llm')).toHaveLength(2);
    expect(names.filter((n) => n === 'afk.tool')).toHaveLength(1);
    expect(telemetry.spans.every((s) => s.endMs !== undefined && s.ok === true)).toBe(true);
    expect(telemetry.spans.find((s) => s.name === 'afk.llm')?.parent).toBe('afk.run');
    expect(telemetry.counters.get('afk.runs')).toBe(1);
    expect(telemetry.histograms.get('afk.llm.latency_ms')).toHaveLength(2);
    expect(telemetry.histograms.get('afk.tool.latency_ms')).toHaveLength(1);
  });
});

describe('structured output', () => {
  const Answer = z.object({ city: z.string(), population: z.number() });

  it('parses the final answer with the schema and sends the schema to the model', async () => {
    const model = scripted([{ text: '{"city":"Oslo","population":700000}' }]);
    const r = await new Runner().run(new Agent({ name: 'a', model, outputSchema: Answer }), {
      userMessage: 'x',
    });
    expect(r.state).toBe('completed');
    expect(r.finalStructured).toEqual({ city: 'Oslo', population: 700000 });
    expect(model.requests[0]!.responseFormat?.schema).toMatchObject({
      type: 'object',
      required: ['city', 'population'],
    });
  });

  it('asks for a repair on invalid output, and fails clearly after three invalid answers', async () => {
    const model = scripted([{ text: 'not json' }, { text: '{"city":"Oslo","population":1}' }]);
    const r = await new Runner().run(new Agent({ name: 'a', model, outputSchema: Answer }), {
      userMessage: 'x',
    });
    expect(r.finalStructured).toEqual({ city: 'Oslo', population: 1 });
    expect(model.calls).toBe(2);
    expect(model.requests[1]!.messages.at(-1)).toMatchObject({ role: 'user' });
    const bad = scripted(() => ({ text: '{"city":1}' }));
    const f = await new Runner().run(new Agent({ name: 'a', model: bad, outputSchema: Answer }), {
      userMessage: 'x',
    });
    expect(f.state).toBe('failed');
    expect(f.error?.code).toBe('structured_output_invalid');
    expect(bad.calls).toBe(3);
  });
});

describe('Runner config', () => {
  it('reports every invalid option at once', () => {
    expect(
      () =>
        new Runner({
          config: { interactionMode: 'loud' as 'external', toolOutputMaxChars: -5 },
          store: {} as never,
        }),
    ).toThrow(
      expect.objectContaining({
        code: 'invalid_config',
        issues: expect.arrayContaining([
          expect.objectContaining({ path: ['store'] }),
          expect.objectContaining({ path: ['config', 'interactionMode'] }),
          expect.objectContaining({ path: ['config', 'toolOutputMaxChars'] }),
        ]),
      }),
    );
  });

  it('keeps secrets out of the store: context keys are redacted in the log', async () => {
    const runner = new Runner();
    const r = await runner.run(new Agent({ name: 'a', model: scripted([{ text: 'ok' }]) }), {
      userMessage: 'x',
      context: { apiKey: 'sk-live-123', user: 'ann' },
    });
    const log = JSON.stringify(await runner.events(r.runId));
    expect(log).not.toContain('sk-live-123');
    expect(log).toContain('"user":"ann"');
  });
});
