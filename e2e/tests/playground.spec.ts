import { expect, test } from '@playwright/test';

test('the playground runs the demo agent, streams its events and shows the final text', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('user-input').fill('Add 2 and 3');
  await page.getByTestId('run-button').click();

  await expect(page.getByTestId('final-text')).toHaveText('2 + 3 = 5.');
  await expect(page.getByTestId('run-state')).toHaveText('completed');

  const items = page.getByTestId('event-item');
  await expect(items.last()).toHaveAttribute('data-type', 'completed');
  const types = await items.evaluateAll((els) => els.map((el) => el.getAttribute('data-type')));
  expect(types[0]).toBe('run_started');
  expect(types).toEqual(
    expect.arrayContaining(['step_started', 'tool_started', 'tool_completed', 'llm_completed']),
  );
  // The answer arrives in several chunks, each its own event, before the run completes.
  const deltas = types.filter((t) => t === 'text_delta').length;
  expect(deltas).toBeGreaterThan(1);
  await expect(items.filter({ hasText: 'add → 5' })).toHaveCount(1);

  await page.getByTestId('tab-runs').click();
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await expect(page.getByTestId('run-row')).toContainText('calculator');
});
