// Screenshots of a bridged decision the Node process refused, in light and dark:
// node e2e/screens-bridge-refusal.mjs <afk devtools url>. Images: /tmp/screens-bridge-refusal/.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright';

const base = process.argv[2];
const out = '/tmp/screens-bridge-refusal';
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
for (const scheme of ['light', 'dark']) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 700 }, colorScheme: scheme });
  await page.goto(`${base}/#/approvals`);
  await page.getByTestId('bridge-status').and(page.locator('[data-state="connected"]')).waitFor();
  const script = spawn(process.execPath, [
    new URL('./fixtures/bridge-approval-script.mjs', import.meta.url).pathname,
    base,
    `screens ${scheme}`,
    'decided-in-terminal',
  ]);
  const exited = new Promise((r) => script.on('exit', r));
  const paused = await new Promise((r) =>
    script.stdout.on('data', (d) => {
      const m = String(d).match(/PAUSED (.*)\n/);
      if (m) r(JSON.parse(m[1]));
    }),
  );
  const card = page.locator(`[data-testid="approval-item"][data-approval-id="${paused.approvalId}"]`);
  await card.getByTestId('approve-button').click();
  const refusal = page.locator(`[data-testid="decision-refusal"][data-approval-id="${paused.approvalId}"]`);
  await refusal.waitFor();
  await refusal.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${out}/refused-${scheme}.png` });
  await exited;
  await page.close();
}
await browser.close();
console.log('screens in', out);
