import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { scripted } from '../llms/providers/scripted.js';
import type { LLMClient } from '../llms/types.js';
import { tool } from '../tools/tool.js';
import { Runner } from './runner.js';
import { add } from './test-helpers.js';

const alwaysAdd = () => scripted(() => ({ toolCalls: [{ name: 'add', args: { a: 1, b: 1 } }] }));

describe('limits and failures', () => {
  it('B8: maxSteps degrades by default with a limit_hit event; onLimit fail → limit_exceeded', async () => {
    const runner = new Runner();
    const r = await runner.run(
      new Agent({ name: 'a', model: alwaysAdd(), tools: [add], failSafe: { maxSteps: 2 } }),
      { userMessage: 'x' },
    );
    expect(r.state).toBe('degraded');
    expect(r.error?.code).toBe('limit_exceeded');
    const hit = (await runner.events(r.runId)).find((e) => e.type === 'limit_hit');
    expect(hit?.data).toMatchObject({ limit: 'maxSteps', max: 2 });
    expect(r.toolExecutions).toHaveLength(2);
    const f = await runner.run(
      new Agent({ name: 'a', model: alwaysAdd(), tools: [add], failSafe: { maxSteps: 2, onLimit: 'fail' } }),
      { userMessage: 'x' },
    );
    expect(f.state).toBe('failed');
    expect(f.error?.code).toBe('limit_exceeded');
  });

  it('B9: maxWallTimeMs ends a 10 s model call quickly and aborts its signal', async () => {
    let aborted = false;
    const inner = scripted([{ text: 'late', delayMs: 10_000 }]);
    const model: LLMClient = {
      provider: 'p',
      model: 'm',
      capabilities: inner.capabilities,
      stream: (r, o) => inner.stream(r, o),
      chat: (r, o) => {
        o?.signal?.addEventListener('abort', () => {
          aborted = true;
        });
        return inner.chat(r, o);
      },
    };
    const t0 = Date.now();
    const r = await new Runner().run(new Agent({ name: 'a', model, failSafe: { maxWallTimeMs: 50 } }), {
      userMessage: 'x',
    });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.state).toBe('degraded');
    expect(r.error?.code).toBe('limit_exceeded');
    expect(aborted).toBe(true);
    expect(r.stateSnapshot.limitsHit).toContain('maxWallTimeMs');
  });

  it('B10: maxToolCalls 3 with 5 requested → exactly 3 run, 2 reported as not executed', async () => {
    let runs = 0;
    const t = tool({
      name: 't',
      description: 't',
      args: z.object({ i: z.number() }),
      effects: 'pure',
      run: async ({ i }) => {
        runs++;
        return i;
      },
    });
    const model = scripted([
      { toolCalls: Array.from({ length: 5 }, (_, i) => ({ name: 't', args: { i } })) },
      { text: 'ok' },
    ]);
    const r = await new Runner().run(
      new Agent({ name: 'a', model, tools: [t], failSafe: { maxToolCalls: 3 } }),
      { userMessage: 'x' },
    );
    expect(runs).toBe(3);
    expect(r.toolExecutions).toHaveLength(3);
    const toolMsgs = model.requests[1]!.messages.filter((m) => m.role === 'tool');
    expect(toolMsgs).toHaveLength(5);
    expect(toolMsgs.filter((m) => m.content.includes('Not executed'))).toHaveLength(2);
  });

  it('B11: cost from the price table without a provider cost; maxTotalCostUsd trips', async () => {
    const model = scripted(() => ({
      toolCalls: [{ name: 'add', args: { a: 1, b: 1 } }],
      usage: { inputTokens: 400_000, outputTokens: 100_000 },
    }));
    const r = await new Runner().run(
      new Agent({ name: 'a', model, tools: [add], failSafe: { maxTotalCostUsd: 1 } }),
      { userMessage: 'x' },
    );
    // scripted is priced at $1/M input, $2/M output: $0.6 per call.
    expect(r.usage.costUsd).toBeCloseTo(1.2, 6);
    expect(r.state).toBe('degraded');
    expect(r.stateSnapshot.limitsHit).toContain('maxTotalCostUsd');
  });

  it('B12: a throwing tool: continue shows the error to the model; fail fails; degrade degrades', async () => {
    const boom = tool({
      name: 'boom',
      description: 'b',
      args: z.object({}),
      run: async () => {
        throw new Error('kaput');
      },
    });
    const mk = () => scripted([{ toolCalls: [{ name: 'boom' }] }, { text: 'recovered' }]);
    const m1 = mk();
    const r1 = await new Runner().run(new Agent({ name: 'a', model: m1, tools: [boom] }), {
      userMessage: 'x',
    });
    expect(r1.state).toBe('completed');
    expect(r1.toolExecutions[0]).toMatchObject({ success: false });
    expect(m1.requests[1]!.messages.at(-1)).toMatchObject({ role: 'tool', isError: true });
    expect((m1.requests[1]!.messages.at(-1) as { content: string }).content).toContain('kaput');
    const r2 = await new Runner().run(
      new Agent({ name: 'a', model: mk(), tools: [boom], failSafe: { toolFailurePolicy: 'fail' } }),
      { userMessage: 'x' },
    );
    expect(r2.state).toBe('failed');
    expect(r2.error?.code).toBe('tool_error');
    const r3 = await new Runner().run(
      new Agent({ name: 'a', model: mk(), tools: [boom], failSafe: { toolFailurePolicy: 'degrade' } }),
      { userMessage: 'x' },
    );
    expect(r3.state).toBe('degraded');
  });

  it('B13: retry maxRetries 2 with two failures then success → one record, 3 attempts', async () => {
    let n = 0;
    const flaky = tool({
      name: 'flaky',
      description: 'f',
      args: z.object({}),
      retry: { maxRetries: 2 },
      run: async () => {
        if (++n < 3) throw new Error('nope');
        return 'ok';
      },
    });
    const r = await new Runner().run(
      new Agent({
        name: 'a',
        model: scripted([{ toolCalls: [{ name: 'flaky' }] }, { text: 'done' }]),
        tools: [flaky],
      }),
      { userMessage: 'x' },
    );
    expect(r.toolExecutions).toHaveLength(1);
    expect(r.toolExecutions[0]).toMatchObject({ success: true, output: 'ok', attempts: 3 });
  });

  it('B14: invalid args never reach the body; the model gets the zod issues; the run continues', async () => {
    let ran = false;
    const t = tool({
      name: 't',
      description: 't',
      args: z.object({ n: z.number() }),
      run: async () => {
        ran = true;
        return 1;
      },
    });
    const model = scripted([{ toolCalls: [{ name: 't', args: { n: 'five' } }] }, { text: 'ok' }]);
    const r = await new Runner().run(new Agent({ name: 'a', model, tools: [t] }), { userMessage: 'x' });
    expect(ran).toBe(false);
    expect(r.state).toBe('completed');
    const msg = model.requests[1]!.messages.at(-1) as { content: string; isError?: boolean };
    expect(msg.isError).toBe(true);
    expect(msg.content).toMatch(/Invalid arguments for 't'.*"path":"n"/);
  });

  it('B15: primary model fails, fallback answers; both models recorded', async () => {
    const primary = scripted([{ error: { status: 500, message: 'down' } }], { model: 'primary' });
    const backup = scripted([{ text: 'from b' }], { model: 'b' });
    const runner = new Runner({ llms: { 'test:b': backup } });
    const r = await runner.run(
      new Agent({ name: 'a', model: primary, failSafe: { fallbackModels: ['test:b'] } }),
      { userMessage: 'x' },
    );
    expect(r.state).toBe('completed');
    expect(r.finalText).toBe('from b');
    expect(r.stateSnapshot.requestedModel).toBe('scripted:primary');
    expect(r.stateSnapshot.usedModel).toBe('b');
    const failed = (await runner.events(r.runId)).find((e) => e.type === 'llm_failed');
    expect(failed?.data).toMatchObject({ model: 'scripted:primary', willFallback: true });
  });

  it('B16: a failing run resolves with state failed and an error code; it does not throw', async () => {
    const r = await new Runner().run(
      new Agent({ name: 'a', model: scripted([{ error: { status: 401, message: 'bad key' } }]) }),
      { userMessage: 'x' },
    );
    expect(r.state).toBe('failed');
    expect(r.error?.code).toBe('llm_auth');
    const d = await new Runner().run(
      new Agent({
        name: 'a',
        model: scripted([{ error: { status: 400 } }]),
        failSafe: { llmFailurePolicy: 'degrade' },
      }),
      { userMessage: 'x' },
    );
    expect(d.state).toBe('degraded');
  });

  it('maxLlmCalls is never exceeded, fallbacks included', async () => {
    const model = scripted(() => ({ error: { status: 500 } }));
    const r = await new Runner({ llms: () => scripted(() => ({ error: { status: 500 } })) }).run(
      new Agent({ name: 'a', model, failSafe: { maxLlmCalls: 2, fallbackModels: ['x:b', 'x:c'] } }),
      { userMessage: 'x' },
    );
    expect(r.stateSnapshot.llmCalls).toBe(2);
    expect(r.error?.code).toBe('limit_exceeded');
  });

  it('maxTotalTokens trips on usage', async () => {
    const model = scripted(() => ({
      toolCalls: [{ name: 'add', args: { a: 1, b: 1 } }],
      usage: { inputTokens: 60, outputTokens: 0 },
    }));
    const r = await new Runner().run(
      new Agent({ name: 'a', model, tools: [add], failSafe: { maxTotalTokens: 100 } }),
      { userMessage: 'x' },
    );
    expect(r.stateSnapshot.limitsHit).toContain('maxTotalTokens');
    expect(r.usage.totalTokens).toBe(120);
  });
});

describe('a final answer over budget', () => {
  it('a final answer whose cost crosses maxTotalCostUsd reports the limit and keeps its text (degrade) or fails', async () => {
    const answer = () =>
      scripted([{ text: 'the answer', usage: { inputTokens: 400_000, outputTokens: 100_000 } }]);
    const runner = new Runner();
    const r = await runner.run(
      new Agent({ name: 'a', model: answer(), failSafe: { maxTotalCostUsd: 0.5 } }),
      { userMessage: 'x' },
    );
    expect(r.state).toBe('degraded');
    expect(r.finalText).toBe('the answer');
    expect(r.error?.code).toBe('limit_exceeded');
    const hit = (await runner.events(r.runId)).find((e) => e.type === 'limit_hit');
    expect(hit?.data).toMatchObject({ limit: 'maxTotalCostUsd', max: 0.5 });
    const f = await runner.run(
      new Agent({ name: 'a', model: answer(), failSafe: { maxTotalCostUsd: 0.5, onLimit: 'fail' } }),
      { userMessage: 'x' },
    );
    expect(f.state).toBe('failed');
    expect(f.error?.code).toBe('limit_exceeded');
    const ok = await runner.run(new Agent({ name: 'a', model: answer(), failSafe: { maxTotalCostUsd: 1 } }), {
      userMessage: 'x',
    });
    expect(ok.state).toBe('completed');
  });
});
