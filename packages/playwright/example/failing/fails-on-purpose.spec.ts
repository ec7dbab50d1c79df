// Fails on purpose: run only by tests/attachments.spec.ts (project `failing`), which checks what
// these failures attach and print. Not part of the example suite.
import { expect, test } from '@afk/playwright';
import { routeRecordedOpenAI } from '../tests/recorded-openai';

test('a run matcher fails', async ({ page, afk }) => {
  await routeRecordedOpenAI(page);
  await page.goto('/');
  await page.getByTestId('run').click();
  const run = await afk.waitForRun({ state: 'completed' });
  await expect(run).toHaveCalledTool('add', { a: 2, b: 4 });
});

test('an eval suite fails', async ({ page, afk }) => {
  await routeRecordedOpenAI(page);
  await page.goto('/');
  const report = await afk.evaluate({
    agent: 'calculator',
    name: 'wrong-sum',
    cases: [
      {
        id: 'expects-six',
        input: 'Add 2 and 3',
        assertions: [{ type: 'finalTextContains', text: '6' }],
      },
    ],
  });
  expect(report).toPassEvals({ minPassRate: 1 });
});
