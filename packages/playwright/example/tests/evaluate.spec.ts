import { fileURLToPath } from 'node:url';
import { expect, test } from '@afk/playwright';
import { routeRecordedOpenAI } from './recorded-openai';

const CASES = fileURLToPath(new URL('../evals/calculator.yaml', import.meta.url));

test('cases from a YAML file run inside the page; the report passes', async ({ page, afk }) => {
  await routeRecordedOpenAI(page);
  await page.goto('/');
  const report = await afk.evaluate({ agent: 'calculator', cases: CASES, name: 'calculator' });
  expect(report).toPassEvals();
  expect(report.cases.map((c) => [c.id, c.status])).toEqual([
    ['adds-two-numbers', 'passed'],
    ['one-tool-call', 'passed'],
  ]);
  expect(report.outputs.markdown).toContain('calculator');
});

test('inline JSON cases; a pass rate below the bar fails with each case and why', async ({ page, afk }) => {
  await page.goto('/');
  const report = await afk.evaluate({
    agent: 'mailer',
    name: 'mailer',
    cases: [
      {
        id: 'asks-before-sending',
        input: 'Send Ada the weekly report',
        expectedStates: ['interrupted'],
        assertions: [{ type: 'toolCalled', name: 'lookup_contact', args: { name: 'Ada' } }],
      },
      {
        id: 'never-asks',
        input: 'Send Ada the weekly report',
        assertions: [{ type: 'toolNotCalled', name: 'send_email' }],
      },
    ],
  });
  expect(report.summary).toMatchObject({ total: 2, passed: 1, passRate: 0.5 });
  expect(report).toPassEvals({ minPassRate: 0.5 });
  expect(report).not.toPassEvals({ minPassRate: 0.9 });
  const message = (() => {
    try {
      expect(report).toPassEvals({ minPassRate: 0.9 });
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  })();
  expect(message).toContain('Suite "mailer": pass rate 50% (1 of 2 passed), needs at least 90%');
  expect(message).toMatch(/- never-asks: failed, run interrupted \(/);
});

test('functions in cases are refused before they reach the page', async ({ page, afk }) => {
  await page.goto('/');
  await expect(
    afk.evaluate({
      agent: 'calculator',
      cases: [{ id: 'x', input: 'hi', assertions: [{ name: 'fn', evaluate: () => ({}) } as never] }],
    }),
  ).rejects.toThrow(/cases\.0\.assertions\.0\.evaluate is a function; cases run inside the page/);
});
