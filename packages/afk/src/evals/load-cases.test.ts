import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AfkError, isAfkError } from '../errors/index.js';
import { loadCases, parseCases } from './load-cases.js';

const dir = mkdtempSync(join(tmpdir(), 'afk-cases-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, body: string) => {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
};
const failure = async (p: Promise<unknown>) => {
  const e = await p.catch((x: unknown) => x);
  if (!isAfkError(e)) throw new Error(`expected an AfkError, got ${String(e)}`);
  return e as AfkError;
};

describe('loadCases', () => {
  it('reads JSON (an array or { cases }) and YAML', async () => {
    const json = file(
      'cases.json',
      JSON.stringify([{ id: 'a', input: 'hi', assertions: [{ type: 'completed' }] }]),
    );
    expect(await loadCases(json)).toEqual([{ id: 'a', input: 'hi', assertions: [{ type: 'completed' }] }]);
    const yaml = file(
      'cases.yaml',
      `cases:
  - id: weather
    input: What is the weather in Paris?
    tags: [weather]
    budget: { maxSteps: 3 }
    assertions:
      - type: toolCalled
        name: get_weather
        args: { city: Paris }
      - { type: toolSequence, names: [get_weather], mode: exact }
  - id: chat
    input:
      - { role: user, content: hello }
    repeat: 2
`,
    );
    const cases = await loadCases(yaml);
    expect(cases.map((c) => c.id)).toEqual(['weather', 'chat']);
    expect(cases[0]!.assertions![0]).toEqual({
      type: 'toolCalled',
      name: 'get_weather',
      args: { city: 'Paris' },
    });
    expect(cases[1]!.input).toEqual([{ role: 'user', content: 'hello' }]);
  });

  it('a malformed case file lists every issue at once', async () => {
    const p = file(
      'bad.json',
      JSON.stringify({
        cases: [
          { id: 'ok', input: 'fine' },
          { id: '', input: 3 },
          { id: 'ok', input: 'dup', budget: { maxSteps: -1, maxTokens: 5 } },
          { input: 'no id', assertions: [{ type: 'toolCalled' }, { type: 'nonsense' }], repeat: 0 },
        ],
      }),
    );
    const e = await failure(loadCases(p));
    expect(e.code).toBe('invalid_config');
    const paths = e.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'cases.1.id',
        'cases.1.input',
        'cases.2.id',
        'cases.2.budget.maxSteps',
        'cases.2.budget',
        'cases.3.id',
        'cases.3.repeat',
        'cases.3.assertions.0',
        'cases.3.assertions.1',
      ]),
    );
    expect(e.message).toContain(`${p}: ${e.issues.length} problems in the eval cases`);
    expect(e.issues.find((i) => i.path.join('.') === 'cases.2.id')!.message).toBe(
      "duplicate case id 'ok' (also case 0)",
    );
  });

  it('syntax errors: JSON names the position, YAML lists each error with line and column', async () => {
    const j = await failure(loadCases(file('broken.json', '[{"id": "a",]')));
    expect(j.issues[0]!.code).toBe('syntax');
    const y = await failure(
      loadCases(file('broken.yaml', 'cases:\n  - id: a\n    input: [unclosed\n  - id: "b\n')),
    );
    expect(y.issues.length).toBeGreaterThanOrEqual(1);
    expect(y.issues[0]!.message).toMatch(/^YAML line \d+, column \d+: /);
    const top = await failure(parseCases('{"nope": 1}'));
    expect(top.message).toContain('an array of cases');
    const missing = await failure(loadCases(join(dir, 'absent.yaml')));
    expect(missing.message).toContain('no such file');
  });
});
