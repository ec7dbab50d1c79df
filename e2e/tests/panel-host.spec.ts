import { expect, type Page, test } from '@playwright/test';

/** Computed styles of the host's own elements that the panel must leave alone. */
async function hostStyles(page: Page) {
  return page.evaluate(() => {
    const pick = (sel: string) => {
      const el = document.querySelector(sel);
      if (!el) return null;
      const cs = getComputedStyle(el);
      return {
        font: cs.fontFamily,
        size: cs.fontSize,
        color: cs.color,
        bg: cs.backgroundColor,
        border: cs.border,
        padding: cs.padding,
      };
    };
    return {
      body: pick('body'),
      counter: pick('#host-counter'),
      h1: pick('h1'),
      sheets: document.styleSheets.length,
      rootTheme: document.documentElement.getAttribute('data-theme'),
    };
  });
}

// Two page loads, two agent runs and the lazy panel in one test: give a busy machine room.
test.describe.configure({ timeout: 60_000 });

const inPanel = (page: Page, testId: string) => page.locator('afk-devtools').getByTestId(testId);

test('<AfkDevtools /> in a host app: lazy, isolated, shows the app runs, host UI keeps working', async ({
  page,
}) => {
  const scripts: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
  });
  await page.goto('/test-pages/host.html');
  await expect(page.getByTestId('afk-devtools-toggle')).toBeVisible();
  await page.waitForLoadState('networkidle');
  const initialScripts = [...scripts];
  const before = await hostStyles(page);

  // The host's own UI works, and an agent run of the host lands in its store.
  await page.locator('#host-counter').click();
  await page.locator('#host-counter').click();
  await expect(page.locator('#host-counter')).toHaveText('count is 2');
  await page.locator('#host-ask').click();
  await expect(page.locator('#host-answer')).toHaveText('The answer is 4.');

  // Nothing of the panel body is fetched before it opens.
  expect(scripts).toEqual(initialScripts);

  await page.getByTestId('afk-devtools-toggle').click();
  await expect(inPanel(page, 'afk-devtools-panel')).toBeVisible();
  const lazy = scripts.filter((s) => !initialScripts.includes(s));
  expect(lazy.length).toBeGreaterThan(0); // the panel chunk(s), fetched on first open
  const run = inPanel(page, 'afk-devtools-run');
  await expect(run).toHaveCount(1);
  await expect(run).toContainText('host-helper');
  await expect(inPanel(page, 'run-timeline')).toBeVisible();

  // ctrl+shift+a closes and reopens it; reopening fetches nothing new.
  await page.keyboard.press('Control+Shift+A');
  await expect(inPanel(page, 'afk-devtools-panel')).toBeHidden();
  const afterFirstOpen = scripts.length;
  await page.keyboard.press('Control+Shift+A');
  await expect(inPanel(page, 'afk-devtools-panel')).toBeVisible();
  expect(scripts.length).toBe(afterFirstOpen);

  // The host's styles are untouched (the panel's styles live in its shadow root), its button still works.
  expect(await hostStyles(page)).toEqual(before);
  await page.locator('#host-counter').click();
  await expect(page.locator('#host-counter')).toHaveText('count is 3');

  // A second run of the host shows up live in the open panel.
  await page.locator('#host-ask').click();
  await expect(page.locator('#host-answer')).toHaveText('The answer is 6.');
  await expect(inPanel(page, 'afk-devtools-run')).toHaveCount(2);
});

test('the panel follows the dark theme and keeps its state across a reload', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/test-pages/host.html');
  // Opened with the button (the shortcut is covered above): a key press that lands before
  // the page's listener is attached would be lost.
  await page.getByTestId('afk-devtools-toggle').click();
  const panel = inPanel(page, 'afk-devtools-panel');
  await expect(panel).toBeVisible();
  const bg = await panel.evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(bg).toBe('rgb(20, 22, 27)'); // --afk-bg, dark
  await page.reload();
  await expect(inPanel(page, 'afk-devtools-panel')).toBeVisible();
});
