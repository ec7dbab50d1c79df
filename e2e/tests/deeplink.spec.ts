import { expect, test } from '@playwright/test';

/** Runs the playground's demo agent once and returns its run id. */
async function playgroundRun(page: import('@playwright/test').Page): Promise<string> {
  await page.goto('/#/playground');
  await page.getByTestId('user-input').fill('Add 2 and 3');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-state')).toHaveText('completed');
  const runId = (await page.getByTestId('run-id').textContent())?.trim();
  expect(runId).toBeTruthy();
  return runId as string;
}

test('a deep link to a run and span survives a reload', async ({ page }) => {
  const runId = await playgroundRun(page);

  await page.getByTestId('tab-runs').click();
  const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
  await expect(row).toContainText('Add 2 and 3');
  await row.click();
  await expect(page).toHaveURL(new RegExp(`#/runs/${runId}$`));
  await expect(page.getByTestId('run-id')).toHaveText(runId);

  // Select a tool span: its id goes into the URL.
  const tool = page.locator('[data-testid="span-row"][data-span-kind="tool"]').first();
  const spanId = await tool.getAttribute('data-span-id');
  expect(spanId).toBeTruthy();
  await tool.click();
  await expect(page).toHaveURL(new RegExp(`#/runs/${runId}/span/${encodeURIComponent(spanId as string)}$`));

  await page.reload();
  await expect(page.getByTestId('run-id')).toHaveText(runId);
  await expect(page.locator(`[data-testid="span-row"][data-span-id="${spanId}"]`)).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(page.getByTestId('span-inspector')).toHaveAttribute('aria-label', /add/);
});

test('back and forward restore views and filters', async ({ page }) => {
  const runId = await playgroundRun(page);
  await page.goto('/#/runs');
  await page.getByTestId('filter-status').selectOption('completed');
  await expect(page).toHaveURL(/#\/runs\?status=completed$/);
  await page.getByTestId('filter-text').fill('Add 2');
  await expect(page).toHaveURL(/#\/runs\?status=completed&q=Add\+2$/);
  await page.getByTestId('group-thread').check();
  await expect(page).toHaveURL(/group=thread/);
  await expect(page.getByTestId('run-thread')).toHaveCount(1);

  await page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`).click();
  await expect(page.getByTestId('run-id')).toHaveText(runId);

  await page.goBack();
  await expect(page).toHaveURL(/#\/runs\?status=completed&q=Add\+2&group=thread$/);
  await expect(page.getByTestId('filter-status')).toHaveValue('completed');
  await expect(page.getByTestId('filter-text')).toHaveValue('Add 2');
  await expect(page.getByTestId('group-thread')).toBeChecked();
  await expect(page.getByTestId('run-row')).toHaveCount(1);

  await page.goForward();
  await expect(page.getByTestId('run-id')).toHaveText(runId);

  // Esc goes back to the filtered list it came from; the global search fills `q`.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('filter-text')).toHaveValue('Add 2');
  await page.keyboard.press('/');
  await expect(page.getByTestId('global-search')).toBeFocused();
  // `/` selects what the box holds, so typing replaces the filter.
  await page.keyboard.type('zzz');
  await expect(page).toHaveURL(/q=zzz/);
  await expect(page.getByTestId('run-list-empty')).toContainText('No run matches');
  // Shortcuts do not fire while typing: "g r" typed into the search stays text.
  await page.keyboard.type(' gr');
  await expect(page.getByTestId('global-search')).toHaveValue('zzz gr');
  await page.keyboard.press('Escape');
  await page.keyboard.press('g');
  await page.keyboard.press('p');
  await expect(page).toHaveURL(/#\/playground$/);
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcut-sheet')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('shortcut-sheet')).toHaveCount(0);
});
