import { describe, expect, it } from 'vitest';
import { linkSignals, raceSignal, sleep } from './abort.js';

describe('abort helpers', () => {
  it('raceSignal on an already-aborted signal leaves no unhandled rejection behind', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (r: unknown) => unhandled.push(r);
    process.on('unhandledRejection', onUnhandled);
    try {
      const ac = new AbortController();
      ac.abort();
      let rejectLoser: (e: unknown) => void = () => {};
      const loser = new Promise((_, reject) => {
        rejectLoser = reject;
      });
      await expect(raceSignal(loser, ac.signal)).rejects.toMatchObject({ name: 'AbortError' });
      rejectLoser(new Error('late'));
      await new Promise((r) => setTimeout(r, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('sleep rejects early on abort; linkSignals follows any input and detaches', async () => {
    const ac = new AbortController();
    const p = sleep(10_000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    const a = new AbortController();
    const link = linkSignals(a.signal, undefined);
    a.abort('why');
    expect(link.signal.aborted).toBe(true);
    expect(link.signal.reason).toBe('why');
    link.dispose();
  });
});
