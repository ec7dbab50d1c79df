// Screenshots of the playground (each example agent) and the Approvals view, light and dark, over
// the built app: `npm run build`, then `node scripts/screens-approvals.mjs` (images in /tmp/screens-approvals/).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright';

const out = '/tmp/screens-approvals';
mkdirSync(out, { recursive: true });
const port = 20000 + Math.floor(Math.random() * 20000);
const server = spawn(
  'npx',
  ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
  {
    cwd: new URL('../apps/devtools/', import.meta.url),
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
await new Promise((resolve) =>
  server.stdout.on('data', (d) => String(d).includes(String(port)) && resolve()),
);
const base = `http://127.0.0.1:${port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 1000 },
      colorScheme: scheme,
    });
    const page = await context.newPage();
    await page.goto(`${base}/#/playground`);
    await page.screenshot({ path: `${out}/playground-empty-${scheme}.png`, fullPage: true });
    for (const id of ['calculator', 'mailer', 'reporter', 'planner', 'billing']) {
      await page.getByTestId(`agent-${id}`).click();
      await page.getByTestId('run-button').click();
      await page
        .getByTestId('run-state')
        .filter({ hasText: /completed|interrupted|failed/ })
        .waitFor();
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${out}/playground-${id}-${scheme}.png`, fullPage: true });
      if (id === 'mailer') {
        await page.goto(`${base}/#/approvals`);
        await page.getByTestId('approval-item').first().waitFor();
        await page.screenshot({ path: `${out}/approvals-pending-${scheme}.png`, fullPage: true });
        await page.getByTestId('arg-to').fill('nope');
        await page.screenshot({ path: `${out}/approvals-invalid-${scheme}.png`, fullPage: true });
        await page.getByTestId('arg-to').fill('ada@example.com');
        await page.getByTestId('approve-button').click();
        await page
          .getByTestId('decision-notice')
          .filter({ hasText: /completed|another tab/ })
          .waitFor();
        await page.getByTestId('approvals-tab-decided').click();
        await page.getByTestId('approval-span-link').first().waitFor();
        await page.screenshot({ path: `${out}/approvals-decided-${scheme}.png`, fullPage: true });
        await page.getByTestId('approvals-tab-pending').click();
        await page.screenshot({ path: `${out}/approvals-empty-${scheme}.png`, fullPage: true });
        await page.goto(`${base}/#/playground`);
      }
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.kill();
}
console.log('screens in', out);
