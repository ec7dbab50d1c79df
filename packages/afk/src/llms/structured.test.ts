import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { scripted } from './providers/scripted.js';
import { chatStructured, parseStructuredOutput, responseFormatFor } from './structured.js';
import { rejection } from './test-support/rejection.js';
import type { LLMRequest } from './types.js';

const City = z.object({ city: z.string(), population: z.number() });
const req: LLMRequest = { model: 'm', messages: [{ role: 'user', content: 'biggest city?' }] };

describe('structured output', () => {
  it('sends the zod schema as json_schema', () => {
    const rf = responseFormatFor(City, 'city');
    expect(rf).toMatchObject({
      type: 'json_schema',
      name: 'city',
      schema: { type: 'object', required: ['city', 'population'] },
    });
    expect(rf.schema).not.toHaveProperty('$schema');
  });

  it('invalid then valid → two calls; the model is shown its answer and the problem', async () => {
    const m = scripted([
      { text: '{"city": "Oslo"' },
      { text: '{"city": "Oslo", "population": 700000}', usage: { inputTokens: 5, outputTokens: 5 } },
    ]);
    const res = await chatStructured(m, req, City);
    expect(res.structured).toEqual({ city: 'Oslo', population: 700000 });
    expect(m.calls).toBe(2);
    expect(m.requests[0]?.responseFormat?.name).toBe('output');
    const repair = m.requests[1]?.messages ?? [];
    expect(repair.at(-2)).toEqual({ role: 'assistant', content: '{"city": "Oslo"' });
    expect(repair.at(-1)?.content).toMatch(/not valid JSON/);
    expect(res.usage.outputTokens).toBeGreaterThan(5);
  });

  it('a schema mismatch is repaired too; three invalid answers → structured_output_invalid after the one repair', async () => {
    const m = scripted([{ text: '{"city": 1}' }, { text: 'nope' }, { text: 'nope' }]);
    const err = await rejection(chatStructured(m, req, City));
    expect(err).toMatchObject({ name: 'AfkLLMError', code: 'structured_output_invalid' });
    expect(err.issues.length).toBeGreaterThan(0);
    expect(m.calls).toBe(2);
    expect(m.requests[1]?.messages.at(-1)?.content).toMatch(/does not match the schema/);

    const patient = scripted([{ text: 'a' }, { text: 'b' }, { text: 'c' }]);
    await expect(chatStructured(patient, req, City, { maxRepairs: 2 })).rejects.toMatchObject({
      code: 'structured_output_invalid',
    });
    expect(patient.calls).toBe(3);
  });

  it('tolerates a ```json fence', () => {
    expect(parseStructuredOutput('```json\n{"city":"x","population":1}\n```', City)).toEqual({
      ok: true,
      value: { city: 'x', population: 1 },
    });
  });
});
