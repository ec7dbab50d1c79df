// Screenshots of the bridge's status bar in light and dark: node e2e/screens-bridge.mjs <afk devtools url>
// (a running `afk devtools`; a Node script is streamed in and hostile channel messages posted).
// Images: /tmp/screens-bridge/.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright';

const base = process.argv[2];
const out = '/tmp/screens-bridge';
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
for (const scheme of ['light', 'dark']) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 600 }, colorScheme: scheme });
  await page.goto(`${base}/#/runs`);
  await page.getByTestId('bridge-status').and(page.locator('[data-state="connected"]')).waitFor();
  const script = spawn(process.execPath, [
    new URL('./fixtures/bridge-script.mjs', import.meta.url).pathname,
    base,
    `screens ${scheme}`,
  ]);
  await new Promise((r) => script.stdout.on('data', (d) => String(d).includes('TOOL_RAN') && r()));
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${out}/live-${scheme}.png` });
  script.stdin.write('go\n');
  await new Promise((r) => script.on('exit', r));
  await page.evaluate(() => {
    const bc = new BroadcastChannel('afk-store:afk-devtools');
    for (const m of [null, { v: 2 }, JSON.parse('{"__proto__":{"x":1}}')]) bc.postMessage(m);
    bc.close();
  });
  await page.getByTestId('channel-rejections').waitFor();
  await page.screenshot({ path: `${out}/hostile-${scheme}.png` });
  await page.close();
}
await browser.close();
console.log('screens in', out);
