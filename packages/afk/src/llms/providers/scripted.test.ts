import { describe, expect, it } from 'vitest';
import { scripted } from './scripted.js';

const req = { model: 'scripted', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('scripted', () => {
  it('answers turns in order and generates tool call ids', async () => {
    const m = scripted([{ toolCalls: [{ name: 'add', args: { a: 1 } }] }, { text: 'done' }]);
    const r1 = await m.chat(req);
    expect(r1.toolCalls[0]?.name).toBe('add');
    expect(r1.toolCalls[0]?.id).toMatch(/^call_/);
    expect(r1.finishReason).toBe('tool_calls');
    expect((await m.chat(req)).text).toBe('done');
    await expect(m.chat(req)).rejects.toMatchObject({ code: 'llm_error' });
  });

  it('streams explicit deltas in order then completes', async () => {
    const m = scripted([{ text: 'hello', deltas: ['hel', 'lo'] }]);
    const types: string[] = [];
    for await (const c of m.stream(req)) types.push(c.type === 'text_delta' ? c.delta : c.type);
    expect(types).toEqual(['hel', 'lo', 'completed']);
  });

  it('injects provider errors with retry classification', async () => {
    const m = scripted([{ error: { status: 429, message: 'slow down' } }, { error: { status: 400 } }]);
    await expect(m.chat(req)).rejects.toMatchObject({
      code: 'llm_rate_limited',
      retryable: true,
      status: 429,
    });
    await expect(m.chat(req)).rejects.toMatchObject({ code: 'llm_bad_request', retryable: false });
  });

  it('aborts a slow turn through its signal', async () => {
    const m = scripted([{ text: 'x', delayMs: 10_000 }]);
    const ac = new AbortController();
    const p = m.chat(req, { signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toBeDefined();
  });
});
