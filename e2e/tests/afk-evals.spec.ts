import { expect, test } from '@afk/playwright';

/**
 * The devtools app calls `exposeAfk` with its demo agents (apps/devtools/src/runtime.ts): an eval
 * suite runs inside the page, on the page's store, and its report shows on the dashboard.
 */
test('an eval suite run in the page with afk.evaluate appears on the eval dashboard', async ({
  page,
  afk,
}) => {
  await page.goto('/');
  const report = await afk.evaluate({
    agent: 'calculator',
    name: 'e2e calculator',
    cases: [
      {
        id: 'adds',
        input: 'Add 2 and 3',
        assertions: [
          { type: 'toolCalled', name: 'add', args: { a: 2, b: 3 } },
          { type: 'finalTextEquals', text: '2 + 3 = 5.' },
        ],
      },
      {
        id: 'asks-before-emailing',
        input: 'Add 2 and 3, then email the result to ada@example.com',
        expectedStates: ['interrupted'],
        assertions: [{ type: 'toolSequence', names: ['add'], mode: 'in_order' }],
      },
    ],
  });
  expect(report).toPassEvals();
  expect(report.cases.map((c) => [c.id, c.state])).toEqual([
    ['adds', 'completed'],
    ['asks-before-emailing', 'interrupted'],
  ]);

  await page.goto('/#/evals');
  await expect(page.getByTestId('eval-header')).toContainText('e2e calculator');
  await expect(page.getByTestId('eval-pass-rate')).toContainText('100%');
  await expect(page.getByTestId('eval-row-adds')).toBeVisible();
  await expect(page.getByTestId('eval-row-asks-before-emailing')).toBeVisible();
});
