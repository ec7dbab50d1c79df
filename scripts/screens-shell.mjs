// Screenshots of the devtools views in light and dark: node scripts/screens-shell.mjs [port] [views...]
// Needs a running `vite preview` of apps/devtools on the port (default 4391). Images: /tmp/screens-shell/.
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright';

const port = Number(process.argv[2] ?? 4391);
const only = process.argv.slice(3);
const base = `http://127.0.0.1:${port}`;
const out = '/tmp/screens-shell';
mkdirSync(out, { recursive: true });
const views = [
  ['runs', '#/runs'],
  ['runs-failed', '#/runs?status=failed'],
  ['runs-thread', '#/runs?group=thread'],
  ['settings', '#/settings'],
  ['playground', '#/playground'],
  ['sheet', '#/runs', async (p) => p.keyboard.press('?')],
  ['empty', '#/runs?q=zzzz-nothing'],
];
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
for (const scheme of ['light', 'dark']) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 }, colorScheme: scheme });
  if (process.env.SEED) {
    await page.goto(`${base}/test-pages/seed.html`);
    await page.waitForFunction(() => typeof window.afkSeed === 'function');
    await page.evaluate(
      async (n) =>
        window.afkSeed(Number(n), {
          corrupt: 1,
          spacingMs: 20000,
          from: Date.now() - Number(n) * 20000 + 30000,
        }),
      process.env.SEED,
    );
  }
  for (const [name, hash, act] of views) {
    if (only.length && !only.includes(name)) continue;
    await page.goto(`${base}/${hash}`);
    await page.waitForTimeout(600);
    if (act) await act(page);
    await page.waitForTimeout(200);
    await page.screenshot({ path: `${out}/${name}-${scheme}.png` });
  }
  await page.close();
}
await browser.close();
console.log('screens in', out);
