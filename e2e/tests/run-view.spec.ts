import { readFile } from 'node:fs/promises';
import { expect, type Page, test } from '@playwright/test';

// The machine running these is shared and slow: each scenario gets room for two or three runs.
test.describe.configure({ timeout: 120_000 });

const EMAIL_PROMPT = 'Add 2 and 3, then email the result to ada@example.com';

/** Runs a prompt in the playground until it stops in `state`; returns the run id. */
async function runInPlayground(page: Page, prompt: string, state: string): Promise<string> {
  await page.goto('/');
  await page.getByTestId('user-input').fill(prompt);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-state')).toHaveText(state);
  const id = await page.getByTestId('run-id').textContent();
  if (!id) throw new Error('no run id on the page');
  return id.trim();
}

/** The timeline's rows as `kind name status`, in tree order. */
async function rowsOf(page: Page): Promise<string[]> {
  return page
    .getByTestId('span-row')
    .evaluateAll((els) =>
      els.map(
        (el) =>
          `${el.getAttribute('data-span-kind')} ${el.querySelector('.afk-span-name')?.textContent ?? ''} ${el.getAttribute('data-span-status')}`,
      ),
    );
}

test('the playground run fills the timeline live', async ({ page, context }) => {
  const runId = await runInPlayground(page, EMAIL_PROMPT, 'interrupted');
  // A second tab on the run page: the run is paused on the approval, drawn as a wait.
  const watcher = await context.newPage();
  await watcher.goto(`/#/runs/${runId}`);
  const approval = watcher.locator('[data-testid=span-row][data-span-kind=approval]');
  await expect(approval).toHaveAttribute('data-span-status', 'paused');
  await expect(watcher.locator('[data-span-kind=approval] .afk-bar')).toHaveClass(/is-wait/);
  await expect(watcher.locator('[data-testid=span-row][data-span-kind=step]')).toHaveCount(2);

  // Approving in the first tab resumes the run there; the second tab's timeline fills in live.
  await page.bringToFront();
  await page.getByTestId('approval-item').getByTestId('approve-button').click();
  await expect(approval).toHaveAttribute('data-span-status', 'ok');
  await expect(watcher.locator('[data-testid=span-row][data-span-kind=step]')).toHaveCount(3);
  await expect(watcher.locator('[data-testid=span-row][data-span-kind=tool]')).toHaveCount(2);
  await expect(watcher.getByTestId('run-state')).toHaveText('completed');
  await expect(watcher.getByTestId('final-text')).toHaveText(
    '2 + 3 = 5. I emailed the result to ada@example.com.',
  );
  // The playground's own view filled too, and its step chart has one bar per step.
  await expect(page.getByTestId('step-chart-tokens')).toHaveAttribute('data-steps', '3');
});

test('an export imported into a fresh profile renders the same timeline', async ({
  page,
  browser,
  baseURL,
}) => {
  const runId = await runInPlayground(page, 'Add 2 and 3', 'completed');
  await page.goto(`/#/runs/${runId}`);
  await expect(page.locator('[data-testid=span-row][data-span-kind=tool]')).toHaveCount(1);
  const before = await rowsOf(page);

  const download = page.waitForEvent('download');
  await page.getByTestId('export-button').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`calculator-${runId}.afk.json`);
  const path = await file.path();
  const text = await readFile(path, 'utf8');
  expect(JSON.parse(text).format).toBe('afk-run-export');

  // A second browser context is a fresh profile: an empty IndexedDB.
  const fresh = await browser.newContext(baseURL ? { baseURL } : {});
  try {
    const other = await fresh.newPage();
    await other.goto('/#/runs');
    await other.getByTestId('import-file').setInputFiles(path);
    await expect(other).toHaveURL(new RegExp(`#/runs/${runId}`));
    await expect(other.getByTestId('run-state')).toHaveText('completed');
    await expect(other.locator('[data-testid=span-row][data-span-kind=tool]')).toHaveCount(1);
    expect(await rowsOf(other)).toEqual(before);
    await expect(other.getByTestId('final-text')).toHaveText('2 + 3 = 5.');

    // A foreign file is refused with its issues listed, and nothing navigates.
    await other.getByTestId('import-file').setInputFiles({
      name: 'not-a-run.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ format: 'something-else' })),
    });
    await expect(other.getByTestId('import-error')).toBeVisible();
    await expect(other.getByTestId('import-issues').locator('li').first()).toBeVisible();
    await expect(other).toHaveURL(new RegExp(`#/runs/${runId}`));
  } finally {
    await fresh.close();
  }
});

test('a fork with an edited tool result runs and shows as a branch', async ({ page }) => {
  const runId = await runInPlayground(page, 'Add 2 and 3', 'completed');
  await page.goto(`/#/runs/${runId}`);
  await page.locator('[data-testid=span-row][data-span-kind=tool]').click();
  await expect(page.getByTestId('span-inspector')).toContainText('tool · add');

  await page.getByTestId('fork-button').click();
  const dialog = page.getByTestId('fork-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('fork-mode-tool')).toBeChecked();
  await expect(dialog.getByTestId('fork-tool-result')).toHaveValue('5');
  await dialog.getByTestId('fork-tool-result').fill('7');
  await dialog.getByTestId('fork-submit').click();

  // The fork opens, runs in the page with the edited result, and links back to its origin.
  await expect(page).not.toHaveURL(new RegExp(`#/runs/${runId}$`));
  await expect(page.getByTestId('forked-from')).toContainText(runId);
  await expect(page.getByTestId('run-state')).toHaveText('completed');
  await expect(page.getByTestId('final-text')).toHaveText('2 + 3 = 7.');
  const forkId = (await page.getByTestId('run-id').textContent())?.trim();
  expect(forkId).toBeTruthy();
  expect(forkId).not.toBe(runId);

  // The origin is unchanged and lists the fork as its branch.
  await page.getByTestId('forked-from').click();
  await expect(page.getByTestId('final-text')).toHaveText('2 + 3 = 5.');
  const branch = page.getByTestId('run-forks').getByTestId('fork-item');
  await expect(branch).toHaveCount(1);
  await expect(branch).toHaveAttribute('data-run-id', forkId as string);

  // Compare the two: the step with the tool call changed, the final texts differ.
  await page.getByTestId('compare-button').click();
  await page.getByTestId('compare-candidate').first().click();
  await expect(page.getByTestId('compare-view')).toBeVisible();
  await expect(page.getByTestId('final-b')).toHaveText('2 + 3 = 7.');
  await expect(page.locator('[data-testid=diff-step][data-change=changed]')).not.toHaveCount(0);
});
