import { afterEach, describe, expect, it, vi } from 'vitest';
import { Agent } from '../agents/agent.js';
import { scripted } from '../llms/providers/scripted.js';
import { Runner } from './runner.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('the fail-safe circuit breaker', () => {
  it('after failureThreshold consecutive 500s runs fail fast with circuit_open until cooldownMs, then one probe', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let healthy = false;
    const model = scripted(() => (healthy ? { text: 'ok' } : { error: { status: 500, message: 'boom' } }));
    const agent = new Agent({
      name: 'a',
      model,
      failSafe: { breaker: { failureThreshold: 2, cooldownMs: 10_000 } },
    });
    const runner = new Runner();
    const first = await runner.run(agent, { userMessage: 'x' });
    const second = await runner.run(agent, { userMessage: 'x' });
    expect([first.state, second.state]).toEqual(['failed', 'failed']);
    expect(first.error?.code).toBe('llm_unavailable');
    expect(model.calls).toBe(2);

    const open = await runner.run(agent, { userMessage: 'x' });
    expect(open.state).toBe('failed');
    expect(open.error?.code).toBe('circuit_open');
    expect(model.calls).toBe(2); // no model call while open
    const failed = (await runner.events(open.runId)).find((e) => e.type === 'llm_failed');
    expect(failed?.data).toMatchObject({ error: { code: 'circuit_open' } });
    expect((await runner.events(open.runId)).some((e) => e.type === 'llm_called')).toBe(false);

    // Another runner has its own breaker; another agent name too.
    expect((await new Runner().run(agent, { userMessage: 'x' })).error?.code).toBe('llm_unavailable');
    expect(model.calls).toBe(3);

    // After the cooldown one probe goes through; a failed probe re-opens the circuit.
    vi.setSystemTime(Date.now() + 10_000);
    expect((await runner.run(agent, { userMessage: 'x' })).error?.code).toBe('llm_unavailable');
    expect(model.calls).toBe(4);
    expect((await runner.run(agent, { userMessage: 'x' })).error?.code).toBe('circuit_open');
    expect(model.calls).toBe(4);

    // A successful probe closes it.
    vi.setSystemTime(Date.now() + 10_000);
    healthy = true;
    expect((await runner.run(agent, { userMessage: 'x' })).state).toBe('completed');
    expect((await runner.run(agent, { userMessage: 'x' })).state).toBe('completed');
    expect(model.calls).toBe(6);
  });

  it('an open circuit on the primary model falls back to the next model of the chain', async () => {
    const primary = scripted(() => ({ error: { status: 503 } }));
    const backup = scripted(() => ({ text: 'from backup' }), { model: 'backup' });
    const runner = new Runner({ llms: { 'test:backup': backup } });
    const agent = new Agent({
      name: 'a',
      model: primary,
      failSafe: { fallbackModels: ['test:backup'], breaker: { failureThreshold: 1, cooldownMs: 60_000 } },
    });
    expect((await runner.run(agent, { userMessage: 'x' })).finalText).toBe('from backup');
    expect(primary.calls).toBe(1);
    const r = await runner.run(agent, { userMessage: 'x' });
    expect(r.finalText).toBe('from backup');
    expect(primary.calls).toBe(1);
  });
});
