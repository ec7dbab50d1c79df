import { chromium } from 'playwright';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
await page.goto('http://127.0.0.1:4391/test-pages/seed.html');
await page.waitForFunction(() => typeof window.afkSeed === 'function');
const t0 = Date.now();
console.log(await page.evaluate(() => window.afkClear().then(() => window.afkSeed(10000, { corrupt: 1, spacingMs: 20000 }))), Date.now() - t0, 'ms');
await browser.close();
