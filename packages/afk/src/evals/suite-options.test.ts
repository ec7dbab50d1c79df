import { describe, expect, it } from 'vitest';
import { isAfkError } from '../errors/index.js';
import { finalTextContains } from './assertions/text.js';
import { EvalCaseSchema } from './models/case.js';
import { isPlainCase, parseSuiteOptions } from './suite-options.js';
import { researchAgent } from './test-support/fixtures.js';

const a = finalTextContains('x');
const sparse: unknown[] = [];
sparse[1] = a;

describe('parseSuiteOptions', () => {
  it('skips the zod parse only for cases EvalCaseSchema accepts', () => {
    const variants: unknown[] = [
      { id: 'a', input: 'q' },
      { id: 'a', input: '' },
      { id: 'a', input: 'q', assertions: [a], tags: ['t'], repeat: 3 },
      { id: '', input: 'q' },
      { id: 'a', input: 'q', repeat: 0 },
      { id: 'a', input: 'q', repeat: 1.5 },
      { id: 'a', input: 'q', repeat: 2 ** 60 },
      { id: 'a', input: 'q', repeat: undefined },
      { id: 'a', input: 'q', tags: [1] },
      { id: 'a', input: 'q', assertions: sparse },
      { id: 'a', input: 'q', assertions: [{ type: 'completed' }] },
      { id: 'a', input: 'q', assertions: [{ name: 'n' }] },
      { id: 'a', input: [{ role: 'user', content: 'q' }] },
      { id: 'a', input: 'q', expected: { x: 1 } },
      { id: 'a', input: 'q', extra: 1 },
      { id: 1, input: 'q' },
      null,
      [],
      'case',
    ];
    let plain = 0;
    for (const v of variants) {
      if (!isPlainCase(v)) continue;
      plain++;
      expect(EvalCaseSchema.safeParse(v).success, JSON.stringify(v)).toBe(true);
    }
    expect(plain).toBe(3);
  });

  it('lists the issues of every case and of the options at once, with their paths', () => {
    try {
      parseSuiteOptions({
        cases: [
          { id: 'a', input: 'q' },
          { id: '', input: 'q' },
          { id: 'a', input: 'q', repeat: 0 },
        ],
        agent: researchAgent(),
        concurrency: 0,
      } as never);
      expect.unreachable();
    } catch (e) {
      expect(isAfkError(e)).toBe(true);
      const paths = (e as { issues: Array<{ path: Array<string | number> }> }).issues.map((i) =>
        i.path.join('.'),
      );
      expect(paths).toEqual(
        expect.arrayContaining(['cases.1.id', 'cases.2.repeat', 'concurrency', 'cases.2.id']),
      );
    }
  });
});
