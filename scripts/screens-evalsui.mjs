// Screenshots of the evals work in light and dark: node scripts/screens-evalsui.mjs <app url>
// (a `vite preview` of the built app). Images: /tmp/screens-evalsui/.
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright';

const base = process.argv[2] ?? 'http://127.0.0.1:4399';
const out = '/tmp/screens-evalsui';
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
for (const scheme of ['light', 'dark']) {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: scheme });
  const page = await ctx.newPage();
  await page.goto(`${base}/`);
  // Playground: the example suite mid-run (the progress bar), then done.
  await page.getByTestId('run-example-suite').click();
  const bar = page.getByRole('progressbar');
  await bar.waitFor();
  await page.waitForFunction(
    () => Number(document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow')) >= 2,
  );
  await page.getByTestId('example-suite').screenshot({ path: `${out}/playground-progress-${scheme}.png` });
  await page.getByTestId('suite-done').waitFor({ timeout: 30_000 });
  await page.screenshot({ path: `${out}/playground-done-${scheme}.png`, fullPage: true });
  // A run, saved as a case.
  await page.getByTestId('user-input').fill('Add 2 and 3');
  await page.getByTestId('run-button').click();
  await page.getByTestId('run-state').filter({ hasText: 'completed' }).waitFor();
  const runId = await page.evaluate(() => sessionStorage.getItem('afk-devtools:playground-run'));
  await page.goto(`${base}/#/runs/${runId}`);
  await page.getByTestId('save-case-button').waitFor();
  await page.screenshot({ path: `${out}/run-action-${scheme}.png` });
  await page.getByTestId('save-case-button').click();
  await page.getByTestId('save-case-add').click();
  await page.getByTestId('save-case-status').waitFor();
  await page.screenshot({ path: `${out}/save-dialog-${scheme}.png` });
  await page.keyboard.press('Escape');
  // Evals: run the saved cases, open the report, drill into a case.
  await page.goto(`${base}/#/evals`);
  await page.getByTestId('run-saved-cases').click();
  await page.getByTestId('suite-done').waitFor();
  await page.screenshot({ path: `${out}/evals-saved-${scheme}.png` });
  await page.goto(`${base}/#/evals`);
  await page.getByTestId('eval-matrix').waitFor();
  const suiteBtn = page.getByRole('button', { name: /Playground examples/ }).first();
  if (await suiteBtn.count()) await suiteBtn.click();
  await page.locator('button[aria-label^="reporter-q3 run"]').last().click();
  await page.getByTestId('eval-case-detail').waitFor();
  await page.screenshot({ path: `${out}/evals-drilldown-${scheme}.png`, fullPage: true });
  await ctx.close();
}
await browser.close();
console.log('screens in', out);
