import type { ApprovalRequest } from 'afk/core';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { ApprovalInbox } from './ApprovalInbox.js';
import { AfkProvider } from './context.js';
import { pausedRuns } from './test-support/approval-fixtures.js';
import './styles.css';

/**
 * Screenshots of the inbox for looking at (not assertions of pixels): run with
 * `VITE_AFK_SCREENS=1 npx vitest run --project browser packages/react/src/ApprovalInbox.screens.browser.test.tsx`;
 * images go to packages/react/src/__screenshots__/inbox/ (git-ignored).
 */
const SCREENS = Boolean((import.meta as { env?: Record<string, string | undefined> }).env?.VITE_AFK_SCREENS);

describe.skipIf(!SCREENS)('ApprovalInbox screenshots', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`${theme}`, async () => {
      document.documentElement.dataset.theme = theme;
      document.body.style.cssText =
        'margin:0;background:var(--afk-bg);color:var(--afk-fg);font:13px system-ui';
      await page.viewport(1000, 1500);
      const container = document.createElement('div');
      container.style.cssText = 'padding:16px;max-width:960px';
      document.body.append(container);
      const shot = async (name: string) => {
        await new Promise((r) => setTimeout(r, 100));
        await page.screenshot({
          path: `__screenshots__/inbox/${name}-${theme}.png`,
          element: container,
        });
      };
      const q = (sel: string) => container.querySelector<HTMLElement>(sel) as HTMLElement;

      // empty
      const empty = await pausedRuns(0);
      let root = createRoot(container);
      root.render(
        <AfkProvider store={empty.store} runner={empty.runner}>
          <ApprovalInbox resume={empty.resume} />
        </AfkProvider>,
      );
      await expect.poll(() => q('[data-testid="approvals-empty"]')).not.toBeNull();
      await shot('empty');
      root.unmount();

      const fx = await pausedRuns(3);
      root = createRoot(container);
      root.render(
        <AfkProvider store={fx.store} runner={fx.runner}>
          <ApprovalInbox resume={fx.resume} shortcuts="document" />
        </AfkProvider>,
      );
      await expect.poll(() => container.querySelectorAll('[data-testid="approval-item"]').length).toBe(3);
      await userEvent.keyboard('j');
      await shot('pending');
      const copies = q('[data-testid="arg-copies"]');
      await userEvent.fill(copies, '9');
      await userEvent.fill(q('[data-testid="arg-to"]'), 'not-an-email');
      await shot('invalid-edit');
      await userEvent.fill(copies, '2');
      await userEvent.fill(q('[data-testid="arg-to"]'), 'grace@example.com');
      await userEvent.click(q('[data-testid="approve-edited-button"]'));
      await expect.poll(() => q('[data-testid="approvals-count-decided"]')?.textContent).toBe('1');
      await userEvent.fill(q('[data-testid="reject-reason"]'), 'wrong customer');
      await userEvent.click(q('[data-testid="reject-button"]'));
      await expect.poll(() => q('[data-testid="approvals-count-decided"]')?.textContent).toBe('2');
      const [last] = await fx.runner.listApprovals({ status: 'pending' });
      await fx.store.write({
        approvals: [{ ...(last as ApprovalRequest), status: 'expired', decidedAt: Date.now() }],
      });
      await userEvent.click(q('[data-testid="approvals-tab-decided"]'));
      await expect
        .poll(() => container.querySelectorAll('[data-testid="approval-span-link"]').length)
        .toBe(2);
      await shot('decided');
      await userEvent.click(q('[data-testid="approvals-tab-expired"]'));
      await expect.poll(() => container.querySelectorAll('[data-testid="approval-item"]').length).toBe(1);
      await shot('expired');
      root.unmount();
      container.remove();
    });
  }
});
