import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { AfkProvider } from './context.js';
import { AfkDevtools } from './devtools/AfkDevtools.js';
import { OPEN_STORAGE_KEY } from './devtools/open-state.js';
import { pausedRuns } from './test-support/approval-fixtures.js';

/**
 * Screenshots of the in-page panel over a host page (Runs tab, Approvals tab, key list; light
 * and dark), for looking at, not pixel assertions: run with
 * `VITE_AFK_SCREENS=1 npx vitest run --project browser packages/react/src/AfkDevtools.screens.browser.test.tsx`;
 * images go to packages/react/src/__screenshots__/panel/ (git-ignored).
 */
const SCREENS = Boolean((import.meta as { env?: Record<string, string | undefined> }).env?.VITE_AFK_SCREENS);

describe.skipIf(!SCREENS)('<AfkDevtools /> screenshots', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(theme, async () => {
      localStorage.removeItem(OPEN_STORAGE_KEY);
      await page.viewport(1280, 820);
      document.body.style.cssText = `margin:0;font:15px Georgia,serif;background:${theme === 'dark' ? '#1d1f24' : '#fdf8ef'};color:${theme === 'dark' ? '#eee' : '#222'}`;
      const container = document.createElement('div');
      container.innerHTML =
        '<main style="padding:24px 40px"><h1>Host app</h1><p>A page with its own UI and styles; the AFK devtools live in the corner.</p></main>';
      document.body.append(container);
      const app = document.createElement('div');
      container.append(app);
      const fx = await pausedRuns(3);
      const root = createRoot(app);
      root.render(
        <AfkProvider store={fx.store} runner={fx.runner}>
          <AfkDevtools initialIsOpen />
        </AfkProvider>,
      );
      const shadow = () => document.querySelector('afk-devtools')?.shadowRoot ?? null;
      const q = (sel: string) => shadow()?.querySelector<HTMLElement>(sel) ?? null;
      await expect.poll(() => q('[data-testid="afk-devtools-panel"]'), { timeout: 10_000 }).not.toBeNull();
      document.querySelector<HTMLElement>('afk-devtools')?.setAttribute('data-theme', theme);
      const shot = async (name: string) => {
        await new Promise((r) => setTimeout(r, 150));
        await page.screenshot({ path: `__screenshots__/panel/${name}-${theme}.png` });
      };
      await expect.poll(() => shadow()?.querySelectorAll('.afk-span-row').length ?? 0).toBeGreaterThan(0);
      await shot('runs');
      await userEvent.click(q('[data-testid="afk-devtools-tab-approvals"]')!);
      await expect
        .poll(() => shadow()?.querySelectorAll('[data-testid="approval-item"]').length, { timeout: 10_000 })
        .toBe(3);
      await shot('approvals');
      await userEvent.click(q('[data-testid="afk-devtools-keys-button"]')!);
      await shot('keys');
      root.unmount();
      container.remove();
    });
  }
});
