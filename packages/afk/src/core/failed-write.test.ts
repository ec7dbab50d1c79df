import { describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import { AfkStorageError } from '../errors/index.js';
import type { RunEvent } from '../events/run-event.js';
import { scripted } from '../llms/providers/scripted.js';
import type { LLMRequest } from '../llms/types.js';
import { InMemoryStore } from '../memory/in-memory.js';
import type { StoreBatch } from '../memory/types.js';
import { WRITE_ATTEMPTS } from './durable-writer.js';
import { loadRunState } from './load.js';
import { Runner } from './runner.js';
import { add } from './test-helpers.js';
import { DelegatingStore } from './test-support/delegating-store.js';
import { toolResults } from './test-support/fixtures.js';

/** Two tool steps, then an answer; keyed on the conversation so a fresh client continues it. */
function sumModel() {
  return scripted((req: LLMRequest) => {
    const n = toolResults(req);
    if (n === 0) return { toolCalls: [{ id: 'c1', name: 'add', args: { a: 1, b: 2 } }] };
    if (n === 1) return { toolCalls: [{ id: 'c2', name: 'add', args: { a: 3, b: 4 } }] };
    return { text: 'done: 3 and 7' };
  });
}
const agent = () => new Agent({ name: 'sum', model: sumModel(), tools: [add] });

/** Refuses the writes `refuse` picks (nothing of a refused batch is stored) and counts attempts. */
class FlakyStore extends DelegatingStore<InMemoryStore> {
  attempts = 0;
  refused: StoreBatch[] = [];
  constructor(private readonly refuse: (batch: StoreBatch, attempt: number) => Error | undefined) {
    super(new InMemoryStore());
  }
  override async write(batch: StoreBatch): Promise<void> {
    this.attempts++;
    const e = this.refuse(batch, this.attempts);
    if (e) {
      this.refused.push(batch);
      throw e;
    }
    return this.inner.write(batch);
  }
}

const hasType = (b: StoreBatch, t: RunEvent['type']) => (b.events ?? []).some((e) => e.type === t);

function expectGapFree(events: RunEvent[]): void {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
}

describe('a failed batch write', () => {
  it('a transient failure is retried with the same batch: the run completes with a gap-free log', async () => {
    let failedOnce = false;
    const store = new FlakyStore((b) => {
      if (!failedOnce && hasType(b, 'tool_completed')) {
        failedOnce = true;
        return new AfkStorageError('storage_error', 'connection reset');
      }
      return undefined;
    });
    const r = await new Runner({ store }).run(agent(), { userMessage: 'sum' });
    expect(r.state).toBe('completed');
    expect(r.finalText).toBe('done: 3 and 7');
    expect(store.refused).toHaveLength(1);
    const events = await store.inner.readEvents(r.runId);
    expectGapFree(events);
    // The refused batch's events are in the log exactly once.
    const refusedSeqs = store.refused[0]!.events!.map((e) => e.seq);
    expect(events.filter((e) => refusedSeqs.includes(e.seq)).map((e) => e.type)).toEqual(
      store.refused[0]!.events!.map((e) => e.type),
    );
    expect((await store.inner.getRun(r.runId))?.status).toBe('completed');
    expect((await loadRunState(store.inner, r.runId))?.status).toBe('completed');
  });

  it('a persistent failure ends the run failed with storage_error; the final write carries the unwritten events and run_completed', async () => {
    let refusals = 0;
    const store = new FlakyStore((b) => {
      // The batch with the second tool result fails every retry; the store is back afterwards.
      if (
        refusals < WRITE_ATTEMPTS &&
        b.events?.some((e) => e.type === 'tool_completed' && e.data.toolCallId === 'c2')
      ) {
        refusals++;
        return new Error('ECONNRESET');
      }
      return undefined;
    });
    const r = await new Runner({ store }).run(agent(), { userMessage: 'sum' });
    expect(r.state).toBe('failed');
    expect(r.error?.code).toBe('storage_error');
    expect(r.error?.message).toContain('ECONNRESET');
    expect(refusals).toBe(WRITE_ATTEMPTS);
    const events = await store.inner.readEvents(r.runId);
    expectGapFree(events);
    // Nothing of the refused batch was lost: it is in the final write, before run_completed.
    const types = events.map((e) => e.type);
    expect(types).toContain('tool_completed');
    expect(types.filter((t) => t === 'run_completed')).toHaveLength(1);
    expect(types.at(-1)).toBe('run_completed');
    const last = events.at(-1) as RunEvent<'run_completed'>;
    expect(last.data.result.state).toBe('failed');
    expect(last.data.result.error?.code).toBe('storage_error');
    const record = await store.inner.getRun(r.runId);
    expect(record?.status).toBe('failed');
    expect(record?.lastSeq).toBe(last.seq);
    expect(record?.result?.error?.code).toBe('storage_error');
    expect((await loadRunState(store.inner, r.runId))?.status).toBe('failed');
  });

  it('when the final batch of a completed run cannot be written, it ends failed with one run_completed', async () => {
    const store = new FlakyStore((b) =>
      b.events?.some((e) => e.type === 'run_completed' && e.data.result.state === 'completed')
        ? new AfkStorageError('storage_quota', 'quota exceeded')
        : undefined,
    );
    const r = await new Runner({ store }).run(agent(), { userMessage: 'sum' });
    expect(r.state).toBe('failed');
    expect(r.error?.code).toBe('storage_quota');
    expect(store.refused).toHaveLength(WRITE_ATTEMPTS);
    const events = await store.inner.readEvents(r.runId);
    expectGapFree(events);
    const completions = events.filter((e): e is RunEvent<'run_completed'> => e.type === 'run_completed');
    expect(completions.map((e) => e.data.result.state)).toEqual(['failed']);
    expect((await store.inner.getRun(r.runId))?.status).toBe('failed');
  });

  it('a store that refuses every event write gets the record marked failed, naming the last committed event', async () => {
    let broken = false;
    const store = new FlakyStore((b) => {
      if (hasType(b, 'tool_started')) broken = true;
      return broken && b.events?.length ? new AfkStorageError('storage_error', 'disk gone') : undefined;
    });
    const r = await new Runner({ store }).run(agent(), { userMessage: 'sum' });
    expect(r.state).toBe('failed');
    expect(r.error?.code).toBe('storage_error');
    const events = await store.inner.readEvents(r.runId);
    expectGapFree(events);
    expect(events.some((e) => e.type === 'run_completed')).toBe(false);
    const record = await store.inner.getRun(r.runId);
    expect(record?.status).toBe('failed');
    expect(record?.lastSeq).toBe(events.at(-1)!.seq);
    expect(record?.result?.error?.code).toBe('storage_error');
    // The committed log stays valid: a fresh runner over the repaired store finishes the run.
    const resumed = await new Runner({ store: store.inner }).resume(agent(), {
      runId: r.runId,
      threadId: r.threadId,
    });
    expect(resumed.state).toBe('completed');
    expectGapFree(await store.inner.readEvents(r.runId));
  });

  it('a permanent refusal (invalid_argument) is not retried', async () => {
    const store = new FlakyStore((b) =>
      hasType(b, 'tool_completed')
        ? new AfkStorageError('invalid_argument', 'batch not clone safe')
        : undefined,
    );
    const r = await new Runner({ store }).run(agent(), { userMessage: 'sum' });
    expect(r.state).toBe('failed');
    expect(r.error?.code).toBe('storage_error');
    // One try of the step batch, one of the final batch (it holds the same events).
    expect(store.refused).toHaveLength(2);
    expectGapFree(await store.inner.readEvents(r.runId));
  });

  it('a write that committed but reported a failure (the answer lost) counts as committed: no retry, no duplicate', async () => {
    const sent: StoreBatch[] = [];
    let lost = false;
    class LostAckStore extends DelegatingStore<InMemoryStore> {
      override async write(batch: StoreBatch): Promise<void> {
        sent.push(batch);
        await this.inner.write(batch);
        if (!lost && hasType(batch, 'tool_completed')) {
          lost = true;
          throw new AfkStorageError('storage_error', 'connection reset after commit');
        }
      }
    }
    const store = new LostAckStore(new InMemoryStore());
    const r = await new Runner({ store }).run(agent(), { userMessage: 'sum' });
    expect(lost).toBe(true);
    expect(r.state).toBe('completed');
    expect(r.finalText).toBe('done: 3 and 7');
    // The batch was sent once: the writer found it stored instead of sending it again.
    const lostBatch = sent.find((b) => hasType(b, 'tool_completed'))!;
    expect(sent.filter((b) => b === lostBatch)).toHaveLength(1);
    const events = await store.inner.readEvents(r.runId);
    expectGapFree(events);
    expect(events.filter((e) => e.type === 'tool_completed')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'run_completed')).toHaveLength(1);
  });
});
