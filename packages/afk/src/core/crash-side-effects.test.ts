import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { scripted } from '../llms/providers/scripted.js';
import type { LLMRequest } from '../llms/types.js';
import { Runner } from './runner.js';
import { countingTools } from './test-support/counting-tools.js';
import { CrashStore } from './test-support/crash-store.js';
import { toolResults } from './test-support/fixtures.js';

/** One side-effecting `charge` call (id 'ch'), then 'done'; `counts` records real executions. */
function payAgent(amount: number) {
  const counts = new Map<string, number>();
  const charge = countingTools(counts).sideEffect(
    'charge',
    z.object({ amount: z.number() }),
    (a) => `charged:${String(a.amount)}`,
  );
  const mk = () =>
    new Agent({
      name: 'pay',
      model: scripted((req: LLMRequest) =>
        toolResults(req) === 0
          ? { toolCalls: [{ id: 'ch', name: 'charge', args: { amount } }] }
          : { text: 'done' },
      ),
      tools: [charge],
    });
  return { counts, mk };
}

describe('unknown side effects by interaction mode', () => {
  it('headless: nobody can confirm, so the call is skipped (never re-run) and the model is told', async () => {
    const { counts, mk } = payAgent(7);
    const crash = new CrashStore({ onEventType: 'tool_completed' });
    const r = await new Runner({ store: crash }).run(mk(), { userMessage: 'x' });
    expect(r.state).toBe('failed');
    const runner = new Runner({ store: crash.inner });
    const done = await runner.resume(mk(), { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(counts.get('charge:{"amount":7}')).toBe(1);
    const events = await runner.events(r.runId);
    const resolved = events.find((e) => e.type === 'approval_resolved');
    expect(resolved?.data).toMatchObject({ status: 'rejected', by: 'fallback' });
    const result = events.filter((e) => e.type === 'tool_completed').at(-1);
    expect(result?.data).toMatchObject({ errorCode: 'side_effect_unknown', isError: true });
  });
});

describe('a re-run approved after a crash is journaled again', () => {
  it('a second crash during the approved re-run asks again instead of re-running blindly', async () => {
    const { counts, mk } = payAgent(9);
    const external = { interactionMode: 'external' as const };
    // Crash 1: the tool ran, its result never became durable.
    const crash = new CrashStore({ onEventType: 'tool_completed' });
    const r = await new Runner({ store: crash }).run(mk(), { userMessage: 'x' });
    expect(r.state).toBe('failed');
    // A human says it did not happen: approve the re-run; crash 2 hits during that re-run.
    const second = new CrashStore({ onEventType: 'tool_completed' }, crash.inner);
    const asker = new Runner({ store: second, config: external });
    const q1 = await asker.resume(mk(), { runId: r.runId, threadId: r.threadId });
    expect(q1.state).toBe('interrupted');
    await asker.decideApproval({ approvalId: q1.pending!.approvals[0]!.id, decision: { kind: 'approve' } });
    const crashed = await asker.resume(mk(), { runId: r.runId, threadId: r.threadId });
    expect(crashed.state).toBe('failed');
    expect(counts.get('charge:{"amount":9}')).toBe(2);
    // After crash 2 the old "approve" is not reused: the runner asks again.
    const runner = new Runner({ store: crash.inner, config: external });
    const q2 = await runner.resume(mk(), { runId: r.runId, threadId: r.threadId });
    expect(q2.state).toBe('interrupted');
    expect(counts.get('charge:{"amount":9}')).toBe(2);
    await runner.decideApproval({
      approvalId: q2.pending!.approvals[0]!.id,
      decision: { kind: 'respond', value: 'charged:9' },
    });
    const done = await runner.resume(mk(), { runId: r.runId, threadId: r.threadId });
    expect(done.state).toBe('completed');
    expect(counts.get('charge:{"amount":9}')).toBe(2);
  });
});
