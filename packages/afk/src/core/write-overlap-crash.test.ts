import { describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import { AfkStorageError } from '../errors/index.js';
import type { AgentResult } from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import { scripted } from '../llms/providers/scripted.js';
import type { LLMRequest, Message } from '../llms/types.js';
import { InMemoryStore } from '../memory/in-memory.js';
import type { StoreBatch } from '../memory/types.js';
import { OVERLAP_WRITES } from './durable-writer.js';
import { Runner } from './runner.js';
import { countingTools, outputOf } from './test-support/counting-tools.js';
import { DelegatingStore } from './test-support/delegating-store.js';
import { normaliseTranscript, toolResults } from './test-support/fixtures.js';
import { threadMessages } from './thread-memory.js';

type Verdict = 'ok' | 'fail' | 'kill';

/**
 * A store whose writes take a macrotask (so trailing writes really are in flight while the model
 * and the tools work) and that answers each write attempt as `plan` says: commit, refuse once
 * (`storage_error`, transient: the writer retries the same batch), or die (this write and every
 * later one refused, as if the process had crashed with only the earlier batches durable).
 */
class FaultStore extends DelegatingStore<InMemoryStore> {
  /** Every write attempt, in order (a retry is a second attempt of the same batch). */
  readonly attempts: StoreBatch[] = [];
  /** The committed batches, in order. */
  readonly committed: StoreBatch[] = [];
  killed = false;
  constructor(
    private readonly plan: (batch: StoreBatch, attempt: number, committed: number) => Verdict = () => 'ok',
    inner = new InMemoryStore(),
    private readonly latencyMs = 1,
  ) {
    super(inner);
  }
  override async write(batch: StoreBatch): Promise<void> {
    this.attempts.push(batch);
    await new Promise((r) => setTimeout(r, this.latencyMs));
    if (this.killed) throw new AfkStorageError('storage_closed', 'simulated crash: the store is gone');
    const verdict = this.plan(batch, this.attempts.length - 1, this.committed.length);
    if (verdict === 'kill') {
      this.killed = true;
      throw new AfkStorageError('storage_error', 'simulated crash');
    }
    if (verdict === 'fail') throw new AfkStorageError('storage_error', 'simulated transient refusal');
    await this.inner.write(batch);
    this.committed.push(batch);
  }
}

const types = (b: StoreBatch) => (b.events ?? []).map((e) => e.type);
const has = (b: StoreBatch, t: RunEvent['type']) => types(b).includes(t);
const assistantTexts = (messages: Message[], text: string) =>
  messages.filter((m) => m.role === 'assistant' && m.content === text).length;

/** One pure lookup, then the answer. */
function lookupAgent() {
  const counts = new Map<string, number>();
  const t = countingTools(counts);
  const model = scripted((req: LLMRequest) =>
    toolResults(req) === 0
      ? { toolCalls: [{ id: 'lk', name: 'lookup', args: { key: 'k' } }] }
      : { text: 'found' },
  );
  return { agent: new Agent({ name: 'look', model, tools: [t.lookup] }), model, counts };
}

/** Side effects and pure calls mixed over four steps (as in the random-kill suite). */
function workflow(modelLatencyMs = 0) {
  const counts = new Map<string, number>();
  const t = countingTools(counts);
  const model = scripted(async (req: LLMRequest) => {
    if (modelLatencyMs) await new Promise((r) => setTimeout(r, modelLatencyMs));
    const n = toolResults(req);
    if (n === 0)
      return {
        toolCalls: [
          { id: 'e1', name: 'send_email', args: { to: 'ann' } },
          { id: 'p1', name: 'add', args: { a: 1, b: 2 } },
        ],
      };
    if (n === 2)
      return {
        toolCalls: [
          { id: 'c1', name: 'charge', args: { amount: 5 } },
          { id: 'w1', name: 'write_file', args: { path: '/tmp/x' } },
          { id: 'l1', name: 'lookup', args: { key: 'k' } },
        ],
      };
    if (n === 5) return { toolCalls: [{ id: 'p2', name: 'add', args: { a: 3, b: 4 } }] };
    return { text: 'all done' };
  });
  return {
    agent: new Agent({ name: 'flow', model, tools: [t.send, t.charge, t.write, t.add, t.lookup] }),
    model,
    counts,
  };
}
const SIDE_EFFECTS = ['send_email:{"to":"ann"}', 'charge:{"amount":5}', 'write_file:{"path":"/tmp/x"}'];

/**
 * Resumes a crashed run until it completes, answering "did it happen?" with the real output (a
 * run whose first batch never committed is started again under its ids).
 */
async function resumeToCompletion(inner: InMemoryStore, agent: Agent, r: AgentResult): Promise<AgentResult> {
  const runner = new Runner({ store: inner, config: { interactionMode: 'external' } });
  let cur = r;
  for (let round = 0; round < 6; round++) {
    if (cur.state === 'completed') return cur;
    for (const a of cur.pending?.approvals ?? [])
      await runner.decideApproval({ approvalId: a.id, decision: { kind: 'respond', value: outputOf(a) } });
    const ids = { runId: r.runId, threadId: r.threadId };
    const exists = (await inner.readEvents(r.runId, { limit: 1 })).length > 0;
    cur = exists ? await runner.resume(agent, ids) : await runner.run(agent, { userMessage: 'go', ...ids });
  }
  throw new Error(`run ${r.runId} did not complete: ${cur.state} ${cur.error?.message ?? ''}`);
}

function* boundaries(writes: number): Generator<[number, 'kill' | 'retry', number]> {
  for (const modelMs of [0, 3])
    for (let k = 0; k < writes; k++) for (const mode of ['kill', 'retry'] as const) yield [k, mode, modelMs];
}

async function expectGapFree(store: InMemoryStore, runId: string): Promise<RunEvent[]> {
  const events = await store.readEvents(runId);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
  return events;
}

describe('overlapped writes under crashes', () => {
  it('is on', () => expect(OVERLAP_WRITES).toBe(true));

  it('a batch retried while the next one waits behind it: the answer commits with run_completed, a kill there resumes with one answer', async () => {
    const { agent } = lookupAgent();
    // The journal batch of the pure lookup is refused once (retried 20 ms later); the step-2
    // opening batch waits behind it while the model answers. The final batch dies.
    let refused = false;
    const store = new FaultStore((b) => {
      if (!refused && has(b, 'tool_started')) {
        refused = true;
        return 'fail';
      }
      return has(b, 'run_completed') ? 'kill' : 'ok';
    });
    const crashed = await new Runner({ store }).run(agent, { userMessage: 'find k' });
    expect(crashed.state).toBe('failed');
    expect(refused).toBe(true);
    // The trailing batch carried exactly what was flushed: the answer was not in it.
    for (const b of store.committed) expect(has(b, 'llm_completed') && !has(b, 'tool_started')).toBe(false);
    const killed = store.attempts.find((b) => has(b, 'run_completed'))!;
    expect(types(killed)).toEqual(['llm_called', 'llm_completed', 'run_completed']);

    const again = lookupAgent();
    const done = await resumeToCompletion(store.inner, again.agent, crashed);
    expect(done.state).toBe('completed');
    expect(done.finalText).toBe('found');
    // The model was asked again (the answer never became durable), without a stale answer.
    expect(again.model.calls).toBe(1);
    expect(assistantTexts(again.model.requests.at(-1)!.messages, 'found')).toBe(0);
    expect(assistantTexts(await threadMessages(store.inner, crashed.runId), 'found')).toBe(1);
    const events = await expectGapFree(store.inner, crashed.runId);
    expect(events.filter((e) => e.type === 'llm_completed' && e.data.response.text === 'found')).toHaveLength(
      1,
    );
  });

  it('batches are cut where they are flushed: the same whatever the store latency', async () => {
    const cuts: string[][][] = [];
    // A 4 ms model: the 8 ms store is still writing a trailing batch when it answers.
    for (const latencyMs of [0, 1, 8]) {
      const { agent } = workflow(4);
      const store = new FaultStore(undefined, new InMemoryStore(), latencyMs);
      const r = await new Runner({ store }).run(agent, { userMessage: 'go' });
      expect(r.state).toBe('completed');
      cuts.push(store.committed.map(types));
    }
    expect(cuts[1]).toEqual(cuts[0]);
    expect(cuts[2]).toEqual(cuts[0]);
  });

  it('a kill at every write boundary resumes with the exact transcript; each side effect happens once', async () => {
    const base = workflow();
    const baseStore = new FaultStore();
    const baseline = await new Runner({ store: baseStore }).run(base.agent, { userMessage: 'go' });
    expect(baseline.state).toBe('completed');
    const writes = baseStore.committed.length;
    expect(writes).toBeGreaterThan(6);
    const transcript = normaliseTranscript(base.model.requests.at(-1)!.messages);
    const stored = await threadMessages(baseStore.inner, baseline.runId);

    // An instant model, and a 3 ms one (the store's writes then commit while it works).
    for (const [k, mode, modelMs] of boundaries(writes)) {
      {
        const context = `${mode} at write ${k} of ${writes}, ${modelMs} ms model`;
        const { agent, model, counts } = workflow(modelMs);
        // 'retry': write k is refused once, then the retry commits and the run goes on.
        let fired = false;
        const store = new FaultStore((_b, _attempt, committed) => {
          if (fired || committed !== k) return 'ok';
          fired = true;
          return mode === 'kill' ? 'kill' : 'fail';
        });
        const first = await new Runner({ store, config: { interactionMode: 'external' } }).run(agent, {
          userMessage: 'go',
        });
        expect(fired, context).toBe(true);
        expect(first.state, context).toBe(mode === 'kill' ? 'failed' : 'completed');
        const done = await resumeToCompletion(store.inner, agent, first);
        expect(done.finalText, context).toBe('all done');
        for (const key of SIDE_EFFECTS) expect(counts.get(key), `${context}: ${key}`).toBe(1);
        expect(normaliseTranscript(model.requests.at(-1)!.messages), context).toEqual(transcript);
        expect(done.stateSnapshot.step, context).toBe(baseline.stateSnapshot.step);
        expect(done.stateSnapshot.toolCalls, context).toBe(baseline.stateSnapshot.toolCalls);
        expect(normaliseTranscript(await threadMessages(store.inner, first.runId)), context).toEqual(
          normaliseTranscript(stored),
        );
        await expectGapFree(store.inner, first.runId);
      }
    }
  }, 60_000);
});
