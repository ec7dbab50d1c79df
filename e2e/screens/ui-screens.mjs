// Screenshots of the devtools app (Approvals, Evals dashboard + case drill-down, Run view, Runs list,
// Playground, Settings) in light and dark, for before/after comparison of style changes:
//   node e2e/screens/ui-screens.mjs <out dir> [--seed]
// Serves apps/devtools/dist (run `npm run build` first) with `vite preview` on a fixed loopback port.
// --seed fills a persistent profile (/tmp/afk-ui-screens-profile) with runs, an approval and the
// example eval suite; later calls reuse it, so ids and data stay identical between shots. The page
// clock is fixed, so relative times do not move either.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright';

const out = process.argv[2] ?? '/tmp/afk-ui-screens';
const seed = process.argv.includes('--seed');
const profile = '/tmp/afk-ui-screens-profile';
const port = 4319;
const base = `http://127.0.0.1:${port}`;
mkdirSync(out, { recursive: true });

const server = spawn(
  'npx',
  ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
  {
    cwd: new URL('../../apps/devtools/', import.meta.url).pathname,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  },
);
await new Promise((resolve, reject) => {
  const t = setTimeout(() => reject(new Error('vite preview did not start in 60 s')), 60_000);
  server.stdout.on('data', (d) => {
    if (!String(d).includes(String(port))) return;
    clearTimeout(t);
    resolve();
  });
});

const launch = (dir) =>
  chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
    viewport: { width: 1280, height: 860 },
  });

try {
  if (seed) {
    rmSync(profile, { recursive: true, force: true });
    const ctx = await launch(profile);
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto(`${base}/`);
    for (const prompt of ['Add 2 and 3', 'Add 2 and 3, then email the result to ada@example.com']) {
      await page.getByTestId('user-input').fill(prompt);
      await page.getByTestId('run-button').click();
      await page
        .getByTestId('run-state')
        .filter({ hasText: /completed|interrupted/ })
        .waitFor();
    }
    await page.getByTestId('run-example-suite').click();
    await page.getByTestId('suite-done').waitFor({ timeout: 60_000 });
    const runId = (await page.getByTestId('run-id').textContent())?.trim();
    writeFileSync(`${profile}.json`, JSON.stringify({ now: Date.now() + 3_600_000, runId }));
    await ctx.close();
  }
  const { now, runId } = JSON.parse(readFileSync(`${profile}.json`, 'utf8'));
  // Each shot pass works on a copy, so the seeded profile never changes.
  const copy = `${profile}-copy`;
  rmSync(copy, { recursive: true, force: true });
  cpSync(profile, copy, { recursive: true });
  const ctx = await launch(copy);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  await page.clock.setFixedTime(now);
  const shots = [
    ['playground', '/#/', 'user-input'],
    ['runs', '/#/runs', 'run-list'],
    ['run', `/#/runs/${runId}`, 'span-row'],
    ['approvals', '/#/approvals', 'approval-item'],
    ['evals', '/#/evals', 'eval-matrix'],
    ['settings', '/#/settings', null],
  ];
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [name, hash, testId] of shots) {
      await page.goto(`${base}${hash}`);
      if (testId) await page.getByTestId(testId).first().waitFor();
      await page.waitForLoadState('networkidle');
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({ path: `${out}/${name}-${scheme}.png`, fullPage: true });
      if (name === 'run') {
        await page.getByTestId('save-case-button').click();
        await page.getByTestId('save-case-dialog').waitFor();
        await page.screenshot({ path: `${out}/run-save-case-${scheme}.png`, fullPage: true });
        await page.keyboard.press('Escape');
        await page.getByTestId('save-case-dialog').waitFor({ state: 'detached' });
        await page.getByRole('button', { name: /Compare with/ }).click();
        await page.getByTestId('compare-candidate').first().waitFor();
        await page.screenshot({ path: `${out}/run-compare-${scheme}.png`, fullPage: true });
      }
      if (name === 'evals') {
        await page.locator('.afk-eval-cell-btn').first().click();
        await page.getByRole('button', { name: 'Close case' }).waitFor();
        await page.screenshot({ path: `${out}/evals-case-${scheme}.png`, fullPage: true });
      }
    }
  }
  await ctx.close();
} finally {
  process.kill(-server.pid);
}
console.log('screens in', out);
