// Screenshots of the run view (light and dark): node scripts/screens-runview.mjs <baseURL>
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:4833';
const out = '/tmp/screens-runview';
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const shots = [];
for (const scheme of ['light', 'dark']) {
  const ctx = await browser.newContext({
    viewport: { width: 1440, height: 1000 },
    colorScheme: scheme,
    baseURL: base,
  });
  const page = await ctx.newPage();
  page.setDefaultTimeout(60_000);
  const snap = async (name) => {
    await page.waitForTimeout(300);
    const path = `${out}/${name}-${scheme}.png`;
    await page.screenshot({ path, fullPage: true });
    shots.push(path);
  };
  // A run with tools and an approval (played in the page).
  await page.goto('/');
  await page.getByTestId('user-input').fill('Add 2 and 3, then email the result to ada@example.com');
  await page.getByTestId('run-button').click();
  await page.getByTestId('run-state').filter({ hasText: 'interrupted' }).waitFor();
  await page.getByTestId('approval-item').getByTestId('approve-button').click();
  await page.getByTestId('run-state').filter({ hasText: 'completed' }).waitFor();
  const runId = (await page.getByTestId('run-id').textContent()).trim();
  await snap('playground');
  await page.goto(`/#/runs/${runId}`);
  await page.getByTestId('span-row').first().waitFor();
  await snap('run-approval');
  await page.locator('[data-span-kind=approval]').click();
  await snap('inspector-approval');
  await page.locator('[data-span-kind=llm]').nth(1).click();
  await snap('inspector-messages');
  await page.getByTestId('inspector-tab-usage').click();
  await snap('inspector-usage');
  await page.getByTestId('inspector-tab-raw').click();
  await snap('inspector-raw');
  await page.locator('[data-span-kind=tool]').first().click();
  await page.getByTestId('fork-button').click();
  await page.getByTestId('fork-dialog').waitFor();
  await snap('fork-dialog');
  await page.getByTestId('fork-tool-result').fill('7');
  await page.getByTestId('fork-submit').click();
  await page.getByTestId('forked-from').waitFor();
  await page
    .getByTestId('run-state')
    .filter({ hasText: /completed|interrupted/ })
    .waitFor();
  await snap('fork-run');
  await page.getByTestId('forked-from').click();
  await page.getByTestId('run-forks').waitFor();
  await page.getByTestId('compare-button').click();
  await snap('compare-picker');
  await page.getByTestId('compare-candidate').first().click();
  await page.getByTestId('run-diff').waitFor();
  await snap('compare');
  // Imported: a subagent with parallel tool calls, and a failed run.
  await page.getByTestId('import-file').setInputFiles(`${out}/subagent.afk.json`);
  await page.waitForURL(/#\/runs\//);
  await page.getByTestId('span-row').first().waitFor();
  await snap('run-subagent');
  await page.getByTestId('zoom-in').click();
  await page.getByTestId('zoom-in').click();
  await snap('run-subagent-zoomed');
  await page.getByTestId('import-file').setInputFiles(`${out}/failed.afk.json`);
  await page.getByTestId('run-error').waitFor();
  await snap('run-failed');
  // The drop overlay (a drag with a file over the app).
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['{}'], 'x.afk.json', { type: 'application/json' }));
    window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
  });
  await snap('drop-overlay');
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['{"format":"nope"}'], 'bad.afk.json', { type: 'application/json' }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.getByTestId('import-error').waitFor();
  await snap('import-error');
  await ctx.close();
}
await browser.close();
console.log(shots.join('\n'));
