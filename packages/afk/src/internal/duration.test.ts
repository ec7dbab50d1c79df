import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { Runner } from '../core/runner.js';
import { LLMBuilder } from '../llms/builder.js';
import { scripted } from '../llms/providers/scripted.js';
import { DexieStore } from '../memory/dexie-store.js';
import { tool } from '../tools/tool.js';
import { DURATION_TOO_LONG, MAX_TIMER_MS } from './duration.js';

const TOO_LONG = MAX_TIMER_MS + 1;

function configError(fn: () => unknown): {
  code: string;
  message: string;
  issues: Array<{ path: unknown[] }>;
} {
  try {
    fn();
  } catch (e) {
    return e as never;
  }
  throw new Error('expected a config error');
}

describe('durations above 2^31-1 ms are refused at configuration (a timer would fire after 1 ms)', () => {
  it('failSafe.maxWallTimeMs and breaker.cooldownMs', () => {
    const model = scripted([{ text: 'x' }]);
    for (const failSafe of [
      { maxWallTimeMs: TOO_LONG },
      { breaker: { failureThreshold: 1, cooldownMs: TOO_LONG } },
    ]) {
      const e = configError(() => new Agent({ name: 'a', model, failSafe }));
      expect(e.code).toBe('invalid_config');
      expect(e.message).toContain('2147483647');
    }
    expect(
      new Agent({ name: 'a', model, failSafe: { maxWallTimeMs: MAX_TIMER_MS } }).failSafe.maxWallTimeMs,
    ).toBe(MAX_TIMER_MS);
  });

  it('runner approvalTimeoutMs, leaseTtlMs and backgroundMaxWaitMs', () => {
    for (const key of ['approvalTimeoutMs', 'leaseTtlMs', 'backgroundMaxWaitMs'] as const) {
      const e = configError(() => new Runner({ config: { [key]: TOO_LONG } }));
      expect(e.code, key).toBe('invalid_config');
      expect(
        e.issues.map((i) => i.path.join('.')),
        key,
      ).toContain(`config.${key}`);
      expect(e.message, key).toContain(DURATION_TOO_LONG);
    }
    expect(() => new Runner({ config: { leaseTtlMs: MAX_TIMER_MS } })).not.toThrow();
  });

  it('LLMBuilder timeout, retry, breaker and cache durations', () => {
    const base = () => new LLMBuilder().provider('openai').model('gpt-4.1-mini').apiKey('sk-test-1234');
    const cases: Array<[string, () => unknown]> = [
      ['timeout.requestMs', () => base().timeout({ requestMs: TOO_LONG }).build()],
      ['timeout.streamIdleMs', () => base().timeout({ streamIdleMs: TOO_LONG }).build()],
      ['retry.maxDelayMs', () => base().retry({ maxDelayMs: TOO_LONG }).build()],
      [
        'circuitBreaker.cooldownMs',
        () => base().circuitBreaker({ failureThreshold: 2, cooldownMs: TOO_LONG }).build(),
      ],
      ['cache.ttlMs', () => base().cache({ ttlMs: TOO_LONG }).build()],
    ];
    for (const [path, build] of cases) {
      const e = configError(build);
      expect(e.code, path).toBe('invalid_config');
      expect(
        e.issues.map((i) => i.path.join('.')),
        path,
      ).toContain(path);
    }
  });

  it('tool timeoutMs and retry.backoffMs name the tool', () => {
    const def = { name: 'slow', description: 'd', args: z.object({}), run: async () => 1 };
    const e = configError(() => tool({ ...def, timeoutMs: TOO_LONG }));
    expect(e).toMatchObject({ code: 'invalid_config', message: expect.stringContaining("'slow'") });
    expect(e.issues[0]?.path).toEqual(['timeoutMs']);
    const b = configError(() => tool({ ...def, retry: { maxRetries: 1, backoffMs: TOO_LONG } }));
    expect(b.issues[0]?.path).toEqual(['retry', 'backoffMs']);
    expect(tool({ ...def, timeoutMs: MAX_TIMER_MS }).timeoutMs).toBe(MAX_TIMER_MS);
  });

  it('DexieStore blockedTimeoutMs', () => {
    const e = configError(
      () => new DexieStore({ name: 'x', indexedDB, IDBKeyRange, blockedTimeoutMs: TOO_LONG }),
    );
    expect(e.code).toBe('invalid_config');
  });
});
