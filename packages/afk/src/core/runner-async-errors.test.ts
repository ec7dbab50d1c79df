import { describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import { scripted } from '../llms/providers/scripted.js';
import { Runner } from './runner.js';

const agent = () => new Agent({ name: 'a', model: scripted([{ text: 'hi' }]) });
// biome-ignore lint/suspicious/noExplicitAny: deliberately ill-typed input, as plain JavaScript would pass it
const bad = (v: unknown): any => v;

/** Calls `f`, which must not throw synchronously, and returns the promise it gave. */
function callAsync<T>(f: () => Promise<T>): Promise<T> {
  let p: Promise<T> | undefined;
  expect(() => {
    p = f();
  }).not.toThrow();
  expect(p).toBeInstanceOf(Promise);
  return p!;
}

const invalid = { name: 'AfkConfigError', code: 'invalid_argument' };

describe('the async Runner APIs reject instead of throwing', () => {
  it('run with a userMessage that is not a string or messages rejects with invalid_argument', async () => {
    const runner = new Runner();
    await expect(callAsync(() => runner.run(agent(), bad({ userMessage: 123 })))).rejects.toMatchObject(
      invalid,
    );
    await expect(callAsync(() => runner.run(bad({}), { userMessage: 'x' }))).rejects.toMatchObject(invalid);
    await expect(callAsync(() => runner.run(agent(), bad(null)))).rejects.toMatchObject(invalid);
    await expect(callAsync(() => runner.run(agent(), bad({ threadId: 7 })))).rejects.toMatchObject(invalid);
    // The runner still works afterwards.
    expect((await runner.run(agent(), { userMessage: 'x' })).state).toBe('completed');
  });

  it('runStream with invalid input returns a handle whose iteration and result reject', async () => {
    const runner = new Runner();
    let handle: ReturnType<Runner['runStream']> | undefined;
    expect(() => {
      handle = runner.runStream(agent(), bad({ userMessage: 123 }));
    }).not.toThrow();
    await expect(handle!.result).rejects.toMatchObject(invalid);
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const ev of handle!) seen.push(ev.type);
      })(),
    ).rejects.toMatchObject(invalid);
    expect(seen).toEqual([]);
    await expect(handle!.subscribe().next()).rejects.toMatchObject(invalid);
    expect(() => handle!.cancel()).not.toThrow();
  });

  it('resume and resumeStream with missing ids reject', async () => {
    const runner = new Runner();
    await expect(callAsync(() => runner.resume(agent(), bad(undefined)))).rejects.toMatchObject(invalid);
    await expect(callAsync(() => runner.resume(agent(), bad({ runId: 'r' })))).rejects.toMatchObject(invalid);
    let handle: ReturnType<Runner['resumeStream']> | undefined;
    expect(() => {
      handle = runner.resumeStream(agent(), bad(null));
    }).not.toThrow();
    await expect(handle!.result).rejects.toMatchObject(invalid);
  });

  it('the approval, ticket, event and compaction APIs reject on bad arguments', async () => {
    const runner = new Runner();
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['decideApproval', () => runner.decideApproval(bad(undefined))],
      [
        'decideApproval id',
        () => runner.decideApproval(bad({ approvalId: 5, decision: { kind: 'approve' } })),
      ],
      ['listApprovals', () => runner.listApprovals(bad(null))],
      ['listBackgroundTools', () => runner.listBackgroundTools(bad(undefined))],
      ['resolveBackgroundTool', () => runner.resolveBackgroundTool(bad({ threadId: 't', runId: 'r' }))],
      ['failBackgroundTool', () => runner.failBackgroundTool(bad(null))],
      ['events', () => runner.events(bad(undefined))],
      ['events opts', () => runner.events('run_x', bad(null))],
      ['compactThread', () => runner.compactThread(bad(undefined))],
    ];
    for (const [name, f] of calls) {
      await expect(callAsync(f), name).rejects.toMatchObject(invalid);
    }
  });

  it('a store that throws synchronously surfaces as a rejection', async () => {
    const runner = new Runner();
    const store = runner.store as unknown as { readEvents: () => never };
    store.readEvents = () => {
      throw new Error('sync failure');
    };
    await expect(callAsync(() => runner.events('run_x'))).rejects.toThrow('sync failure');
  });
});
