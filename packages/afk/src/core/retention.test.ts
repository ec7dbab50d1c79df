import { describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import { scripted } from '../llms/providers/scripted.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { Runner } from './runner.js';
import { add } from './test-helpers.js';
import { transcriptText } from './test-support/fixtures.js';

/** Each user turn: call add once, then answer "turn N". */
function turnModel() {
  return scripted((req) => {
    const last = req.messages.at(-1)!;
    if (last.role === 'user') return { toolCalls: [{ name: 'add', args: { a: 20, b: 22 } }] };
    return { text: `answer ${req.messages.filter((m) => m.role === 'user').length}` };
  });
}

describe('compactThread with a retention policy', () => {
  it('keeps the last N messages, drops old tool results, summarises older history with a model; recorded as thread_compacted', async () => {
    const store = new InMemoryStore();
    const model = turnModel();
    const summariser = scripted([{ text: 'The user asked three sums; each was 42.' }], { model: 'summary' });
    const runner = new Runner({ store });
    const agent = new Agent({ name: 'a', model, tools: [add] });
    for (const q of ['one', 'two', 'three']) await runner.run(agent, { userMessage: q, threadId: 't' });
    // 3 turns × (user, assistant call, tool result, assistant answer) = 12 messages.
    const res = await runner.compactThread({
      threadId: 't',
      policy: {
        retention: { keepLastMessages: 6, dropToolResultsOlderThan: 2, summarize: { model: summariser } },
      },
    });
    // The last 6 would start at a tool result: the window moves back to its call (7 kept).
    expect(res.retention).toMatchObject({
      messagesBefore: 12,
      messagesRemoved: 5,
      toolResultsDropped: 1,
      messagesAfter: 8,
    });
    // The summariser saw the older history (not the kept window).
    const asked = transcriptText(summariser.requests[0]);
    expect(asked).toContain('user: one');
    expect(asked).toContain('user: two');
    expect(asked).not.toContain('user: three');

    const compactedRunId = res.retention!.runId!;
    const events = await runner.events(compactedRunId);
    expect(events.map((e) => e.type)).toEqual(['run_started', 'thread_compacted', 'run_completed']);
    expect(events[1]!.data).toMatchObject({
      messagesRemoved: 5,
      toolResultsDropped: 1,
      summaryModel: 'scripted:summary',
      summary: 'The user asked three sums; each was 42.',
    });
    expect((await store.getThread('t'))?.lastRunId).toBe(compactedRunId);

    // The next run is sent the summary plus the kept window (old tool result replaced).
    await runner.run(agent, { userMessage: 'four', threadId: 't' });
    const sent = model.requests.at(-2)!.messages;
    expect(sent[0]).toMatchObject({ role: 'user', content: expect.stringContaining('each was 42') });
    expect(sent.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([
      expect.stringContaining('Summary of the earlier conversation'),
      'three',
      'four',
    ]);
    expect(sent.find((m) => m.role === 'tool')?.content).toBe('[tool result dropped by compaction]');
    // The compaction run is a finished run: resume returns its result without calling anything.
    const again = await runner.resume(agent, { runId: compactedRunId, threadId: 't' });
    expect(again.state).toBe('completed');
  });

  it('without a summariser older messages are dropped; a thread whose last run is paused is left alone', async () => {
    const store = new InMemoryStore();
    const runner = new Runner({ store, config: { interactionMode: 'external' } });
    const model = turnModel();
    const agent = new Agent({ name: 'a', model, tools: [add] });
    await runner.run(agent, { userMessage: 'one', threadId: 't' });
    await runner.run(agent, { userMessage: 'two', threadId: 't' });
    const res = await runner.compactThread({ threadId: 't', policy: { retention: { keepLastMessages: 4 } } });
    expect(res.retention).toMatchObject({ messagesBefore: 8, messagesAfter: 4, messagesRemoved: 4 });
    await runner.run(agent, { userMessage: 'three', threadId: 't' });
    expect(
      model.requests
        .at(-2)!
        .messages.filter((m) => m.role === 'user')
        .map((m) => m.content),
    ).toEqual(['two', 'three']);

    const guarded = { ...add, name: 'guarded', needsApproval: true };
    const pausing = scripted([
      { toolCalls: [{ id: 'g', name: 'guarded', args: { a: 1, b: 1 } }] },
      { text: 'ok' },
    ]);
    const pa = new Agent({ name: 'p', model: pausing, tools: [guarded] });
    const paused = await runner.run(pa, { userMessage: 'pause', threadId: 'u' });
    expect(paused.state).toBe('interrupted');
    const skipped = await runner.compactThread({
      threadId: 'u',
      policy: { retention: { keepLastMessages: 0 } },
    });
    expect(skipped.retention?.skipped).toContain('not finished');
    expect((await store.getThread('u'))?.lastRunId).toBe(paused.runId);
  });

  it('refuses an invalid retention policy with invalid_config', async () => {
    const runner = new Runner();
    await runner.run(new Agent({ name: 'a', model: scripted([{ text: 'x' }]) }), {
      userMessage: 'x',
      threadId: 't',
    });
    await expect(
      runner.compactThread({ threadId: 't', policy: { retention: { keepLastMessages: -1 } } }),
    ).rejects.toMatchObject({ code: 'invalid_config' });
  });
});
