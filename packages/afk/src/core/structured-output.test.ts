import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { extractJson } from '../internal/extract-json.js';
import { scripted } from '../llms/providers/scripted.js';
import { Runner } from './runner.js';

const Answer = z.object({ city: z.string(), population: z.number() });

describe('structured output found anywhere in the answer', () => {
  it('parses a fenced json block that follows prose, without asking for a repair', async () => {
    const model = scripted([
      {
        text: 'Sure! Here is the answer you asked for:\n\n```json\n{"city":"Oslo","population":700000}\n```\nHope that helps.',
      },
    ]);
    const r = await new Runner().run(new Agent({ name: 'a', model, outputSchema: Answer }), {
      userMessage: 'x',
    });
    expect(r.state).toBe('completed');
    expect(r.finalStructured).toEqual({ city: 'Oslo', population: 700000 });
    expect(model.calls).toBe(1);
  });

  it('parses the first JSON object embedded in prose (braces inside strings do not end it)', async () => {
    const model = scripted([{ text: 'The result is {"city":"Brace } City","population":3} as requested.' }]);
    const r = await new Runner().run(new Agent({ name: 'a', model, outputSchema: Answer }), {
      userMessage: 'x',
    });
    expect(r.finalStructured).toEqual({ city: 'Brace } City', population: 3 });
    expect(model.calls).toBe(1);
  });

  it('still asks for a repair when no JSON is in the text', async () => {
    const model = scripted([{ text: 'I do not know.' }, { text: '{"city":"Oslo","population":1}' }]);
    const r = await new Runner().run(new Agent({ name: 'a', model, outputSchema: Answer }), {
      userMessage: 'x',
    });
    expect(r.finalStructured).toEqual({ city: 'Oslo', population: 1 });
    expect(model.calls).toBe(2);
  });

  it('extractJson: skips a fence that does not parse and an unbalanced brace', () => {
    expect(extractJson('```\nnot json\n```\n```json\n{"a":1}\n```')).toEqual({
      found: true,
      value: { a: 1 },
    });
    expect(extractJson('a { b {"c":2}')).toEqual({ found: true, value: { c: 2 } });
    expect(extractJson('{ never closed')).toBeUndefined();
    expect(extractJson('[1,2]')).toEqual({ found: true, value: [1, 2] });
  });
});
