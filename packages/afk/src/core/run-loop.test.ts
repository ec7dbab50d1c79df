import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { scripted } from '../llms/providers/scripted.js';
import type { LLMClient } from '../llms/types.js';
import { tool } from '../tools/tool.js';
import { Runner } from './runner.js';
import type { AgentStreamEvent } from './stream.js';
import { add } from './test-helpers.js';

describe('run loop and events', () => {
  it('B1: tool round trip then final answer', async () => {
    const model = scripted([
      { toolCalls: [{ name: 'add', args: { a: 1, b: 2 } }] },
      { text: 'final answer' },
    ]);
    const agent = new Agent({ name: 'calc', model, tools: [add] });
    const result = await new Runner().run(agent, { userMessage: 'add 1 and 2' });
    expect(result.state).toBe('completed');
    expect(result.finalText).toBe('final answer');
    expect(result.toolExecutions).toHaveLength(1);
    expect(result.toolExecutions[0]).toMatchObject({
      toolName: 'add',
      success: true,
      output: 3,
      agentPath: 'calc',
      replayed: false,
    });
  });

  it('B2: event order for one tool round trip and for a text-only run', async () => {
    const runner = new Runner();
    const model = scripted([{ toolCalls: [{ name: 'add', args: { a: 1, b: 2 } }] }, { text: 'done' }]);
    const r = await runner.run(new Agent({ name: 'calc', model, tools: [add] }), { userMessage: 'x' });
    const events = await runner.events(r.runId);
    expect(events.map((e) => e.type)).toEqual([
      'run_started',
      'step_started',
      'policy_decision',
      'llm_called',
      'llm_completed',
      'policy_decision',
      'tool_started',
      'tool_completed',
      'step_started',
      'policy_decision',
      'llm_called',
      'llm_completed',
      'run_completed',
    ]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    const r2 = await runner.run(new Agent({ name: 'talk', model: scripted([{ text: 'hi' }]) }), {
      userMessage: 'x',
    });
    expect((await runner.events(r2.runId)).map((e) => e.type)).toEqual([
      'run_started',
      'step_started',
      'policy_decision',
      'llm_called',
      'llm_completed',
      'run_completed',
    ]);
  });

  it('B3: two tool calls run concurrently, each reporting when it happens', async () => {
    const order: string[] = [];
    let releaseSlow: () => void = () => {};
    const slow = tool({
      name: 'slow',
      description: 's',
      args: z.object({}),
      effects: 'pure',
      run: () =>
        new Promise<string>((r) => {
          order.push('slow:start');
          releaseSlow = () => r('slow');
        }),
    });
    const fast = tool({
      name: 'fast',
      description: 'f',
      args: z.object({}),
      effects: 'pure',
      run: async () => {
        order.push('fast:start');
        return 'fast';
      },
    });
    const model = scripted([{ toolCalls: [{ name: 'slow' }, { name: 'fast' }] }, { text: 'ok' }]);
    const handle = new Runner().runStream(new Agent({ name: 'p', model, tools: [slow, fast] }), {
      userMessage: 'x',
    });
    const seen: string[] = [];
    for await (const ev of handle) {
      if (ev.type === 'tool_completed') {
        seen.push(ev.toolName!);
        if (ev.toolName === 'fast') releaseSlow();
      }
    }
    expect(order).toEqual(['slow:start', 'fast:start']);
    expect(seen).toEqual(['fast', 'slow']);
    expect((await handle.result).state).toBe('completed');
  });

  it('B3: maxParallelTools bounds concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const t = tool({
      name: 't',
      description: 't',
      args: z.object({ i: z.number() }),
      effects: 'pure',
      run: async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return 1;
      },
    });
    const model = scripted([
      { toolCalls: Array.from({ length: 6 }, (_, i) => ({ name: 't', args: { i } })) },
      { text: 'ok' },
    ]);
    const r = await new Runner().run(
      new Agent({ name: 'p', model, tools: [t], failSafe: { maxParallelTools: 2 } }),
      { userMessage: 'x' },
    );
    expect(r.toolExecutions).toHaveLength(6);
    expect(peak).toBe(2);
  });

  it('B4: the second run on a thread sends the first run in native form', async () => {
    const runner = new Runner();
    const model = scripted([
      { toolCalls: [{ id: 'call_1', name: 'add', args: { a: 1, b: 2 } }] },
      { text: 'three' },
      { text: 'again' },
    ]);
    const agent = new Agent({ name: 'calc', model, tools: [add] });
    const r1 = await runner.run(agent, { userMessage: 'add', threadId: 't1' });
    await runner.run(agent, { userMessage: 'and now?', threadId: r1.threadId });
    const last = model.requests[2]!;
    expect(last.messages).toEqual([
      { role: 'user', content: 'add' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'add', args: { a: 1, b: 2 } }] },
      { role: 'tool', toolCallId: 'call_1', name: 'add', content: '3' },
      { role: 'assistant', content: 'three' },
      { role: 'user', content: 'and now?' },
    ]);
  });

  it('B5: 40 concurrent runs on one runner complete independently', async () => {
    const runner = new Runner();
    const model = scripted((req) => {
      const last = req.messages[req.messages.length - 1]!;
      if (last.role === 'user')
        return { toolCalls: [{ name: 'add', args: { a: Number(last.content), b: 1 } }] };
      return { text: `result ${last.role === 'tool' ? last.content : '?'}` };
    });
    const agent = new Agent({ name: 'calc', model, tools: [add] });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => runner.run(agent, { userMessage: String(i) })),
    );
    results.forEach((r, i) => {
      expect(r.state).toBe('completed');
      expect(r.finalText).toBe(`result ${i + 1}`);
    });
    expect(new Set(results.map((r) => r.threadId)).size).toBe(40);
  });

  it('B6: streamed deltas arrive in order; a non-streaming model still yields every step text', async () => {
    const model = scripted([{ text: 'hello', deltas: ['hel', 'lo'] }]);
    const deltas: string[] = [];
    const handle = new Runner().runStream(new Agent({ name: 's', model }), { userMessage: 'x' });
    const types: string[] = [];
    for await (const ev of handle) {
      types.push(ev.type);
      if (ev.type === 'text_delta') deltas.push(ev.textDelta!);
    }
    expect(deltas).toEqual(['hel', 'lo']);
    expect(types.at(-1)).toBe('completed');

    const inner = scripted([
      { text: 'step one', toolCalls: [{ name: 'add', args: { a: 1, b: 1 } }] },
      { text: 'step two' },
    ]);
    const nonStreaming: LLMClient = {
      provider: 'x',
      model: 'x',
      capabilities: { ...inner.capabilities, streaming: false },
      chat: (r, o) => inner.chat(r, o),
      stream: (r, o) => inner.stream(r, o),
    };
    const texts: string[] = [];
    for await (const ev of new Runner().runStream(
      new Agent({ name: 'n', model: nonStreaming, tools: [add] }),
      { userMessage: 'x' },
    )) {
      if (ev.type === 'text_delta') texts.push(ev.textDelta!);
    }
    expect(texts).toEqual(['step one', 'step two']);
  });

  it('B6: seq is gap-free and completed is last, for every subscriber', async () => {
    const model = scripted([{ toolCalls: [{ name: 'add', args: { a: 1, b: 2 } }] }, { text: 'abcdef' }], {
      streamChunkSize: 2,
    });
    const handle = new Runner().runStream(new Agent({ name: 's', model, tools: [add] }), {
      userMessage: 'x',
    });
    const second = handle.subscribe();
    const collect = async (it: AsyncIterable<AgentStreamEvent>) => {
      const out: AgentStreamEvent[] = [];
      for await (const e of it) out.push(e);
      return out;
    };
    const [a, b] = await Promise.all([collect(handle), collect(second)]);
    expect(a.map((e) => e.seq)).toEqual(a.map((_, i) => i));
    expect(b.map((e) => e.seq)).toEqual(a.map((e) => e.seq));
    expect(a.at(-1)?.type).toBe('completed');
    expect(a.at(-1)?.result?.finalText).toBe('abcdef');
  });

  it('B7: breaking out of the stream cancels the run and aborts the in-flight model call', async () => {
    let aborted = false;
    const inner = scripted([{ text: 'unused' }]);
    const model: LLMClient = {
      provider: 'p',
      model: 'm',
      capabilities: inner.capabilities,
      chat: (r, o) => inner.chat(r, o),
      async *stream(_r, o) {
        yield { type: 'text_delta', delta: 'first' };
        await new Promise<void>((resolve) =>
          o?.signal?.addEventListener('abort', () => {
            aborted = true;
            resolve();
          }),
        );
        throw o?.signal?.reason;
      },
    };
    const handle = new Runner().runStream(new Agent({ name: 's', model }), { userMessage: 'x' });
    for await (const ev of handle) if (ev.type === 'text_delta') break;
    const r = await handle.result;
    expect(r.state).toBe('cancelled');
    expect(aborted).toBe(true);
  });

  it('B7: cancel() ends the run cancelled', async () => {
    const model = scripted([{ text: 'slow', delayMs: 10_000 }]);
    const handle = new Runner().runStream(new Agent({ name: 's', model }), { userMessage: 'x' });
    setTimeout(() => handle.cancel(), 10);
    const r = await handle.result;
    expect(r.state).toBe('cancelled');
  });

  it('a subscriber that stops reading does not grow memory without bound', async () => {
    const model = scripted([{ text: 'x'.repeat(5000), deltas: Array.from({ length: 5000 }, () => 'x') }]);
    const runner = new Runner({ config: { streamBufferLimit: 100 } });
    const handle = runner.runStream(new Agent({ name: 's', model }), { userMessage: 'x' });
    const lagging = handle.subscribe();
    const first = await lagging.next(); // starts, then never reads again
    expect(first.done).toBe(false);
    let n = 0;
    for await (const _ of handle) n++;
    expect(n).toBeGreaterThan(5000);
    const rest: AgentStreamEvent[] = [];
    for await (const e of lagging) rest.push(e);
    // The buffer bound, then the warning saying how many were dropped, then `completed`.
    expect(rest.length).toBeLessThanOrEqual(102);
    expect(rest.at(-2)).toMatchObject({ type: 'warning', data: { code: 'stream_events_dropped' } });
    expect(rest.at(-1)?.type).toBe('completed');
  });

  it('interrupt() pauses at the next step boundary, resumable', async () => {
    const model = scripted([{ toolCalls: [{ name: 'add', args: { a: 1, b: 2 } }] }, { text: 'done' }]);
    const runner = new Runner();
    const agent = new Agent({ name: 'calc', model, tools: [add] });
    const handle = runner.runStream(agent, { userMessage: 'x' });
    for await (const ev of handle) if (ev.type === 'tool_started') handle.interrupt();
    const r = await handle.result;
    expect(r.state).toBe('interrupted');
    const resumed = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(resumed.state).toBe('completed');
    expect(resumed.finalText).toBe('done');
    expect(resumed.toolExecutions).toHaveLength(1);
  });
});

describe('history', () => {
  it('history.maxMessages sends the last N messages of the thread, never starting with an orphaned tool result', async () => {
    const runner = new Runner();
    const model = scripted((req) => {
      const last = req.messages.at(-1)!;
      return last.role === 'user' ? { toolCalls: [{ name: 'add', args: { a: 1, b: 1 } }] } : { text: 'ok' };
    });
    const agent = new Agent({
      name: 'h',
      model,
      tools: [add],
      instructions: 'be brief',
      history: { maxMessages: 4 },
    });
    for (const m of ['one', 'two', 'three']) await runner.run(agent, { userMessage: m, threadId: 'th' });
    for (const req of model.requests) {
      expect(req.messages[0]).toEqual({ role: 'system', content: 'be brief' });
      expect(req.messages.length).toBeLessThanOrEqual(5);
      expect(req.messages[1]?.role).not.toBe('tool');
    }
    const last = model.requests.at(-1)!;
    expect(last.messages.slice(1).map((m) => m.role)).toEqual(['assistant', 'user', 'assistant', 'tool']);
    expect(model.requests.at(-2)!.messages.at(-1)).toEqual({ role: 'user', content: 'three' });
  });

  it('a window cut inside a tool batch keeps the assistant call with its results', async () => {
    const { windowMessages } = await import('./execution.js');
    const msgs = [
      { role: 'user' as const, content: 'q' },
      {
        role: 'assistant' as const,
        content: '',
        toolCalls: [
          { id: 'a', name: 't', args: {} },
          { id: 'b', name: 't', args: {} },
        ],
      },
      { role: 'tool' as const, toolCallId: 'a', name: 't', content: '1' },
      { role: 'tool' as const, toolCallId: 'b', name: 't', content: '2' },
    ];
    expect(windowMessages(msgs, 1).map((m) => m.role)).toEqual(['assistant', 'tool', 'tool']);
    expect(windowMessages(msgs, 3).map((m) => m.role)).toEqual(['assistant', 'tool', 'tool']);
    expect(windowMessages(msgs, 10)).toBe(msgs);
  });
});
