import { describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import { PolicyEngine } from '../agents/policy.js';
import { AfkStorageError } from '../errors/index.js';
import type { AgentResult } from '../events/records.js';
import { scripted } from '../llms/providers/scripted.js';
import type { LLMRequest, Message } from '../llms/types.js';
import { InMemoryStore } from '../memory/in-memory.js';
import type { MemoryStore, RunSnapshot } from '../memory/types.js';
import { Runner } from './runner.js';
import { add } from './test-helpers.js';
import { CrashStore, type KillCondition } from './test-support/crash-store.js';
import { normaliseTranscript, toolResults } from './test-support/fixtures.js';

/** Three model turns keyed on the conversation (not the call index), so a fresh client continues it. */
function sumModel() {
  return scripted((req: LLMRequest) => {
    const n = toolResults(req);
    if (n === 0) {
      return {
        toolCalls: [
          { id: 's1a', name: 'add', args: { a: 1, b: 2 } },
          { id: 's1b', name: 'add', args: { a: 3, b: 4 } },
        ],
        usage: { inputTokens: 10, outputTokens: 5 },
      };
    }
    if (n === 2)
      return {
        toolCalls: [{ id: 's2', name: 'add', args: { a: 3, b: 7 } }],
        usage: { inputTokens: 20, outputTokens: 5 },
      };
    return { text: 'the sums are 3, 7 and 10', usage: { inputTokens: 30, outputTokens: 8 } };
  });
}

const counters = (r: AgentResult) => ({
  step: r.stateSnapshot.step,
  llmCalls: r.stateSnapshot.llmCalls,
  toolCalls: r.stateSnapshot.toolCalls,
  usage: { ...r.usage },
  messageCount: r.stateSnapshot.messageCount,
  finalText: r.finalText,
  tools: r.toolExecutions.map((t) => ({ name: t.toolName, id: t.toolCallId, output: t.output })),
});

async function dump(store: MemoryStore, runId: string) {
  return {
    events: await store.readEvents(runId),
    snapshot: await store.getSnapshot(runId),
    run: await store.getRun(runId),
    approvals: await store.listApprovals({ runId }),
  };
}

describe('B23: resume of a completed run', () => {
  it('returns the stored result without calling the model or writing anything', async () => {
    const store = new InMemoryStore();
    const model = sumModel();
    const agent = new Agent({ name: 'sum', model, tools: [add] });
    const runner = new Runner({ store });
    const r = await runner.run(agent, { userMessage: 'sum' });
    expect(r.state).toBe('completed');
    const calls = model.calls;
    const before = await dump(store, r.runId);
    const again = await new Runner({ store }).resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(model.calls).toBe(calls);
    expect(again).toEqual(JSON.parse(JSON.stringify(r)));
    expect(await dump(store, r.runId)).toEqual(before);
  });

  it('refuses a run that does not exist or belongs to another thread', async () => {
    const store = new InMemoryStore();
    const agent = new Agent({ name: 'sum', model: sumModel(), tools: [add] });
    const runner = new Runner({ store });
    await expect(runner.resume(agent, { runId: 'run_missing', threadId: 't' })).rejects.toMatchObject({
      code: 'not_found',
    });
    const r = await runner.run(agent, { userMessage: 'sum' });
    await expect(runner.resume(agent, { runId: r.runId, threadId: 'thread_other' })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});

describe('B25: a crash between two steps', () => {
  async function baseline() {
    const model = sumModel();
    const r = await new Runner().run(new Agent({ name: 'sum', model, tools: [add] }), {
      userMessage: 'sum',
      runId: 'run_same',
    });
    expect(r.state).toBe('completed');
    return { r, finalMessages: model.requests.at(-1)!.messages };
  }

  const kills: Array<[string, KillCondition]> = [
    ['tool results of step 1 lost (batch with step_started #2)', { onEventType: 'step_started', nth: 2 }],
    ['the response of step 2 lost (batch with llm_called #2)', { onEventType: 'llm_called', nth: 2 }],
    ['the final answer lost (batch with run_completed)', { onEventType: 'run_completed' }],
  ];

  it.each(kills)(
    '%s → resume continues with the same counters, usage and final transcript',
    async (_name, kill) => {
      const base = await baseline();
      const crash = new CrashStore(kill);
      const crashed = await new Runner({ store: crash }).run(
        new Agent({ name: 'sum', model: sumModel(), tools: [add] }),
        {
          userMessage: 'sum',
          runId: 'run_same',
        },
      );
      expect(crashed.state).toBe('failed');
      expect(crashed.error?.code).toBe('storage_error');
      expect(crash.killed).toBe(true);
      // The runner tried once more (a retry, its failure ending, the record), and was refused:
      // nothing was written after the crash.
      expect(crash.writesAfterKill).toBeGreaterThan(0);
      expect(crash.writesAfterKill).toBeLessThanOrEqual(3);
      const durable = await crash.inner.readEvents('run_same');
      expect(durable).toHaveLength(crash.committedEvents);
      expect(durable.some((e) => e.type === 'run_completed')).toBe(false);

      const model = sumModel();
      const agent = new Agent({ name: 'sum', model, tools: [add] });
      const resumed = await new Runner({ store: crash.inner }).resume(agent, {
        runId: 'run_same',
        threadId: crashed.threadId,
      });
      expect(resumed.state).toBe('completed');
      expect(counters(resumed)).toEqual(counters(base.r));
      expect(normaliseTranscript(model.requests.at(-1)!.messages)).toEqual(
        normaliseTranscript(base.finalMessages),
      );
      const events = await crash.inner.readEvents('run_same');
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
      expect(events.find((e) => e.type === 'run_resumed')?.data).toMatchObject({ reason: 'crash_recovery' });
    },
  );

  it('a crash after a resume (of an interrupted run) is resumed again, not answered with the stale interrupted result', async () => {
    const policy = new PolicyEngine([{ id: 'ask', action: 'request_approval', when: { tool: 'add' } }]);
    const inner = new InMemoryStore();
    const mk = () => new Agent({ name: 'sum', model: sumModel(), tools: [add] });
    const first = await new Runner({ store: inner, policy, config: { interactionMode: 'external' } }).run(
      mk(),
      { userMessage: 'sum' },
    );
    expect(first.state).toBe('interrupted');
    const decider = new Runner({ store: inner, policy, config: { interactionMode: 'external' } });
    for (const a of first.pending!.approvals)
      await decider.decideApproval({
        approvalId: a.id,
        decision: { kind: 'approve', scope: 'always_for_tool' },
      });

    // Resume, and crash at the next model call.
    const crash = new CrashStore({ onEventType: 'llm_called' }, inner);
    const crashed = await new Runner({
      store: crash,
      policy,
      config: { interactionMode: 'external' },
    }).resume(mk(), { runId: first.runId, threadId: first.threadId });
    expect(crashed.state).toBe('failed');

    const model = sumModel();
    const done = await new Runner({ store: inner, policy, config: { interactionMode: 'external' } }).resume(
      new Agent({ name: 'sum', model, tools: [add] }),
      { runId: first.runId, threadId: first.threadId },
    );
    expect(done.state).toBe('completed');
    expect(done.pending).toBeUndefined();
    expect(done.finalText).toBe('the sums are 3, 7 and 10');
    expect(model.calls).toBeGreaterThan(0);
  });
});

describe('B26: a snapshot with an unknown schema version', () => {
  it('resume rejects with AfkStorageError checkpoint_corrupt and the store is left untouched', async () => {
    const written = new InMemoryStore();
    const policy = new PolicyEngine([{ id: 'ask', action: 'request_approval', when: { tool: 'add' } }]);
    const agent = new Agent({ name: 'sum', model: sumModel(), tools: [add] });
    const r = await new Runner({ store: written, policy, config: { interactionMode: 'external' } }).run(
      agent,
      { userMessage: 'sum' },
    );
    expect(r.state).toBe('interrupted');
    expect(await written.getSnapshot(r.runId)).toBeDefined();
    // Stores refuse to write a foreign version, so the snapshot is one a newer build left behind.
    const store = new NewerBuildStore(written);
    const runner = new Runner({ store, policy, config: { interactionMode: 'external' } });
    const before = await dump(store, r.runId);
    expect(before.snapshot?.version).toBe(999);
    const innerBefore = await dump(written, r.runId);

    const err = await new Runner({ store, policy })
      .resume(agent, { runId: r.runId, threadId: r.threadId })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(AfkStorageError);
    expect(err).toMatchObject({ code: 'checkpoint_corrupt', message: expect.stringContaining('999') });
    expect(await dump(store, r.runId)).toEqual(before);
    // Its state cannot be read, so deciding on its approval is refused too, without writing.
    await expect(
      runner.decideApproval({ approvalId: r.pending!.approvals[0]!.id, decision: { kind: 'approve' } }),
    ).rejects.toMatchObject({
      code: 'checkpoint_corrupt',
    });
    expect(await dump(store, r.runId)).toEqual(before);
    expect(await dump(written, r.runId)).toEqual(innerBefore);
    // The lease was not left behind: a runner that reads this version can still resume it.
    expect(await written.acquireLease(r.runId, 'someone-else', 1000)).toBeDefined();
  });
});

/** Hands out every snapshot as if a newer AFK build (schema version 999) had written it. */
class NewerBuildStore extends CrashStore {
  constructor(inner: MemoryStore) {
    super(undefined, inner);
  }
  override async getSnapshot(runId: string, maxSeq?: number): Promise<RunSnapshot | undefined> {
    const s = await this.inner.getSnapshot(runId, maxSeq);
    return s && { ...s, version: 999 };
  }
}

describe('B27: per-step persistence cost does not grow with the thread', () => {
  async function perStepCost(prior: number) {
    const store = new CrashStore();
    const runner = new Runner({ store });
    const history: Message[] = Array.from({ length: prior }, (_, i) =>
      i % 2 === 0
        ? { role: 'user', content: `question ${i} ${'x'.repeat(50)}` }
        : { role: 'assistant', content: `answer ${i} ${'y'.repeat(50)}` },
    );
    const seed = await runner.run(
      new Agent({
        name: 'seed',
        model: scripted([{ text: 'ok', usage: { inputTokens: 1, outputTokens: 1 } }]),
      }),
      {
        userMessage: history,
      },
    );
    const steps = 12;
    const model = scripted((req) => {
      const mine = toolResults(req);
      return mine < steps - 1
        ? {
            toolCalls: [{ id: `c${mine}`, name: 'add', args: { a: mine, b: 1 } }],
            usage: { inputTokens: 1, outputTokens: 1 },
          }
        : { text: 'done', usage: { inputTokens: 1, outputTokens: 1 } };
    });
    const first = store.batches.length;
    const r = await runner.run(new Agent({ name: 'long', model, tools: [add] }), {
      userMessage: 'go',
      threadId: seed.threadId,
    });
    expect(r.state).toBe('completed');
    expect(r.stateSnapshot.messageCount).toBeGreaterThan(prior);
    const batches = store.batches.slice(first);
    // The first batch carries the thread's history once (run_started); the steps come after it.
    expect(batches[0]!.events?.[0]?.type).toBe('run_started');
    const stepBatches = batches.slice(1);
    const bytes = stepBatches.map((b) => JSON.stringify(b.events ?? []).length);
    const events = stepBatches.map((b) => b.events?.length ?? 0);
    const snapshots = batches.filter((b) => b.snapshot).length;
    return { bytes, events, snapshots, steps: r.stateSnapshot.step };
  }

  it('10 vs 1,000 prior messages: the same events per step, bytes per step equal within a small constant', async () => {
    const small = await perStepCost(10);
    const large = await perStepCost(1000);
    expect(small.steps).toBe(12);
    expect(large.steps).toBe(12);
    expect(large.events).toEqual(small.events);
    expect(large.bytes).toHaveLength(small.bytes.length);
    // The last batch is run_completed (the result, not the transcript); every batch stays within a constant.
    large.bytes.forEach((b, i) => {
      expect(Math.abs(b - small.bytes[i]!)).toBeLessThan(64);
    });
    // Snapshots (which copy the state) are not per step.
    expect(large.snapshots).toBeLessThanOrEqual(2);
  });
});
