import { describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import { scripted } from '../llms/providers/scripted.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { Runner } from './runner.js';
import { add } from './test-helpers.js';

describe('compactThread', () => {
  it('drops covered events and old snapshots; results stay readable, threads keep memory, paused runs stay resumable', async () => {
    const store = new InMemoryStore();
    const runner = new Runner({ store, config: { interactionMode: 'external' } });
    const model = scripted((req) => {
      const last = req.messages.at(-1)!;
      if (last.role === 'user' && last.content === 'pause')
        return { toolCalls: [{ id: 'g', name: 'guarded', args: { a: 1, b: 1 } }] };
      if (last.role === 'user') return { toolCalls: [{ name: 'add', args: { a: 2, b: 2 } }] };
      return { text: `turn ${req.messages.length}` };
    });
    const guarded = { ...add, name: 'guarded', needsApproval: true };
    const agent = new Agent({ name: 'a', model, tools: [add, guarded] });
    const first = await runner.run(agent, { userMessage: 'one', threadId: 't' });
    const paused = await runner.run(agent, { userMessage: 'pause', threadId: 't' });
    expect(paused.state).toBe('interrupted');
    const before = (await runner.events(first.runId)).length;

    const res = await runner.compactThread({ threadId: 't' });
    expect(res.runs).toBe(2);
    expect(res.eventsDeleted).toBeGreaterThan(0);
    expect((await runner.events(first.runId)).length).toBeLessThan(before);
    // Every completed run's result is still readable...
    expect((await runner.resume(agent, { runId: first.runId, threadId: 't' })).finalText).toBe(
      first.finalText,
    );
    // ...and the paused one still resumes.
    const [approval] = await runner.listApprovals({ runId: paused.runId });
    await runner.decideApproval({ approvalId: approval!.id, decision: { kind: 'approve' } });
    const done = await runner.resume(agent, { runId: paused.runId, threadId: 't' });
    expect(done.state).toBe('completed');
    expect(done.toolExecutions.map((t) => t.toolName)).toEqual(['guarded']);
    // The thread still remembers everything for the next run.
    await runner.run(agent, { userMessage: 'three', threadId: 't' });
    const sent = model.requests
      .at(-1)!
      .messages.filter((m) => m.role === 'user')
      .map((m) => m.content);
    expect(sent).toEqual(['one', 'pause', 'three']);
  });
});
