import { expect, test } from '@playwright/test';

/**
 * Every example agent of the playground, on the scripted model, runs to its expected end state
 * and shows its kind of span on the timeline.
 */
const CASES = [
  { id: 'calculator', state: 'completed', text: '2 + 3 = 5.', spans: ['llm', 'tool'] },
  {
    id: 'mailer',
    state: 'completed',
    approve: true,
    text: 'Sent "Weekly report" to ada@example.com.',
    spans: ['tool', 'approval'],
  },
  {
    id: 'reporter',
    state: 'completed',
    text: 'The Q3 report is ready: 3 pages, total sales $128400.',
    spans: ['background'],
  },
  {
    id: 'planner',
    state: 'completed',
    text: 'Plan for Lisbon: The trip costs 300 EUR in all. For Lisbon: passport, charger, light jacket, walking shoes.',
    spans: ['subagent', 'tool'],
  },
  {
    id: 'billing',
    state: 'failed',
    error: 'Invoice service answered 503 Service Unavailable',
    spans: ['tool'],
  },
] as const;

for (const c of CASES) {
  test(`the ${c.id} example runs to ${c.state} on the scripted model`, async ({ page }) => {
    await page.goto('/#/playground');
    await page.getByTestId(`agent-${c.id}`).click();
    await page.getByTestId('run-button').click();
    if ('approve' in c) {
      await expect(page.getByTestId('run-state')).toHaveText('interrupted');
      await page.getByTestId('approval-item').getByTestId('approve-button').click();
    }
    await expect(page.getByTestId('run-state')).toHaveText(c.state);
    if ('text' in c) await expect(page.getByTestId('final-text')).toHaveText(c.text);
    if ('error' in c) await expect(page.getByTestId('run-error')).toContainText(c.error);
    await expect(page.getByTestId('event-item').last()).toHaveAttribute('data-type', 'completed');
    for (const kind of c.spans)
      await expect(page.locator(`[data-testid="span-row"][data-span-kind="${kind}"]`).first()).toBeVisible();
  });
}

test('selecting a past run in the Runs view never changes the playground run', async ({ page }) => {
  await page.goto('/#/playground');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-state')).toHaveText('completed');
  const first = await page.getByTestId('run-id').textContent();
  await page.getByTestId('agent-billing').click();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-state')).toHaveText('failed');
  const second = await page.getByTestId('run-id').textContent();
  expect(second).not.toBe(first);

  await page.getByTestId('tab-runs').click();
  await expect(page.getByTestId('run-row')).toHaveCount(2);
  await page.getByTestId('run-row').filter({ hasText: 'calculator' }).click();
  await page.getByTestId('tab-playground').click();
  await expect(page.getByTestId('run-id')).toHaveText(second ?? '');
  await expect(page.getByTestId('event-item').last()).toContainText('Invoice service answered 503');
});
