import { describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import { PolicyEngine } from '../agents/policy.js';
import { AfkStorageError } from '../errors/index.js';
import type { JSONValue } from '../internal/json.js';
import { scripted } from '../llms/providers/scripted.js';
import { InMemoryStore } from '../memory/in-memory.js';
import type { RunSnapshot } from '../memory/types.js';
import { fromSnapshot } from './fold.js';
import { RunFoldStateSchema } from './fold-schema.js';
import { Runner } from './runner.js';
import { add } from './test-helpers.js';

const policy = new PolicyEngine([{ id: 'ask', action: 'request_approval', when: { tool: 'add' } }]);
const model = () =>
  scripted([{ toolCalls: [{ id: 'c1', name: 'add', args: { a: 1, b: 2 } }] }, { text: 'three' }]);

async function pausedRun() {
  const store = new InMemoryStore();
  const r = await new Runner({ store, policy, config: { interactionMode: 'external' } }).run(
    new Agent({ name: 'sum', model: model(), tools: [add] }),
    { userMessage: 'add 1 and 2' },
  );
  expect(r.state).toBe('interrupted');
  const snap = await store.getSnapshot(r.runId);
  expect(snap).toBeDefined();
  return { store, r, snap: snap! };
}

describe('a snapshot whose state is malformed', () => {
  it('resume rejects with checkpoint_corrupt naming the bad field; the model is never called and nothing is written', async () => {
    const { store, r } = await pausedRun();
    // Corrupt the stored snapshot in place (as a bad disk, an old build or a user could).
    const rows = store as unknown as { snapshots: Map<string, RunSnapshot[]> };
    const stored = rows.snapshots.get(r.runId)!.at(-1)!;
    (stored.state as { messages: JSONValue[] }).messages = [42];
    const before = { events: await store.readEvents(r.runId), run: await store.getRun(r.runId) };
    const fresh = model();
    const err = await new Runner({ store, policy, config: { interactionMode: 'external' } })
      .resume(new Agent({ name: 'sum', model: fresh, tools: [add] }), {
        runId: r.runId,
        threadId: r.threadId,
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(AfkStorageError);
    expect(err).toMatchObject({
      code: 'checkpoint_corrupt',
      message: expect.stringContaining('state.messages.0'),
    });
    expect((err as AfkStorageError).issues[0]?.path).toEqual(['state', 'messages', 0]);
    expect(fresh.calls).toBe(0);
    expect({ events: await store.readEvents(r.runId), run: await store.getRun(r.runId) }).toEqual(before);
  });

  it('every part of the fold state is checked, not just its envelope', async () => {
    const { snap } = await pausedRun();
    expect(RunFoldStateSchema.safeParse(snap.state).success).toBe(true);
    expect(fromSnapshot(structuredClone(snap)).runId).toBe(snap.runId);
    const broken: Array<[string, unknown]> = [
      ['messages', [{ role: 'robot', content: 'x' }]],
      ['journal', { c1: { toolName: 'add' } }],
      ['pendingToolCalls', [{ id: '' }]],
      ['approvals', { c1: 'yes' }],
      ['tickets', { t: { status: 'lost' } }],
      ['usage', { inputTokens: '1' }],
      ['status', 'sleeping'],
      ['context', 7],
      ['toolExecutions', [{}]],
    ];
    for (const [field, bad] of broken) {
      const copy = structuredClone(snap);
      (copy.state as Record<string, unknown>)[field] = bad as never;
      let err: unknown;
      try {
        fromSnapshot(copy);
      } catch (e) {
        err = e;
      }
      expect(err, field).toMatchObject({
        code: 'checkpoint_corrupt',
        message: expect.stringContaining(`state.${field}`),
      });
    }
  });
});
