import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import type { TaskReport } from '../../apps/devtools/src/queue-tabs/queue-tabs-page';

/**
 * Behaviour 63 with real tabs: two pages of one browser context (one origin, one IndexedDB)
 * drain one `dexieQueue`. Each `charge` writes a row per execution to its own IndexedDB
 * database, so executions are counted across tabs and across a tab being closed.
 */
async function openTab(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto('/test-pages/queue-tabs.html');
  await page.waitForFunction(() => window.afkQueueTabs !== undefined);
  return page;
}

async function reportWhen(page: Page, name: string, done: (r: TaskReport[]) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await page.evaluate((n) => window.afkQueueTabs.report(n), name);
    if (done(r)) return r;
    if (Date.now() > deadline) throw new Error(`queue ${name} not done in time: ${JSON.stringify(r)}`);
    await page.waitForTimeout(100);
  }
}

const allCompleted = (n: number) => (r: TaskReport[]) =>
  r.length === n && r.every((t) => t.status === 'completed');

test('two tabs draining one dexieQueue execute each task once', async ({ context }) => {
  const name = 'two-tabs';
  const a = await openTab(context);
  const b = await openTab(context);
  const tasks = 12;
  await a.evaluate((n) => window.afkQueueTabs.enqueue(n, 12), name);
  await Promise.all(
    [
      [a, 'A'],
      [b, 'B'],
    ].map(([p, tab]) =>
      (p as Page).evaluate(
        ([n, t]) => window.afkQueueTabs.drain(n, { tab: t, leaseTtlMs: 5_000, concurrency: 2 }),
        [name, tab as string] as const,
      ),
    ),
  );
  const report = await reportWhen(b, name, allCompleted(tasks), 15_000);
  const charges = await a.evaluate((n) => window.afkQueueTabs.charges(n), name);

  // Each task charged exactly once, by one tab, and completed once, in its run's first attempt.
  expect(charges.map((c) => c.task).sort((x, y) => x - y)).toEqual(
    Array.from({ length: tasks }, (_, i) => i),
  );
  expect(report.every((t) => t.attempts === 1 && t.charges.length === 1 && t.charges[0] === null)).toBe(true);
  // Both tabs took part.
  const byTab = (tab: string) => report.filter((t) => t.by === tab).length;
  expect(byTab('A') + byTab('B')).toBe(tasks);
  expect(byTab('A')).toBeGreaterThan(0);
  expect(byTab('B')).toBeGreaterThan(0);
});

test('a tab closed mid-charge: the other tab finishes the task after the lease expires, charged once', async ({
  context,
}) => {
  const name = 'closed-tab';
  const leaseTtlMs = 2_000;
  const a = await openTab(context);
  const b = await openTab(context);
  await a.evaluate((n) => window.afkQueueTabs.enqueue(n, 3), name);
  // Tab A alone first: it claims task 0 and stops inside its charge (the row is written, the
  // tool never returns).
  await a.evaluate(
    ([n, ttl]) => window.afkQueueTabs.drain(n, { tab: 'A', leaseTtlMs: ttl, concurrency: 1, hold: 0 }),
    [name, leaseTtlMs] as const,
  );
  await a.waitForFunction((n) => window.afkQueueTabs.held(n), name);
  await b.evaluate(
    ([n, ttl]) => window.afkQueueTabs.drain(n, { tab: 'B', leaseTtlMs: ttl, concurrency: 1 }),
    [name, leaseTtlMs] as const,
  );
  // B drains the other tasks while A holds task 0.
  await reportWhen(b, name, (r) => r.filter((t) => t.status === 'completed').length === 2, 10_000);
  const closedAt = Date.now();
  await a.close();

  const report = await reportWhen(b, name, allCompleted(3), 15_000);
  const tookOverAfterMs = Date.now() - closedAt;
  const charges = await b.evaluate((n) => window.afkQueueTabs.charges(n), name);
  const held = report.find((t) => t.index === 0)!;

  // B took task 0 over only once A's lease had run out (A stopped renewing when it closed).
  expect(tookOverAfterMs).toBeGreaterThanOrEqual(leaseTtlMs / 2);
  expect(held.by).toBe('B');
  expect(held.attempts).toBe(2);
  // Executions counted once per task: task 0's charge ran in A (before the close), never again.
  expect(charges.map((c) => [c.task, c.tab]).sort()).toEqual([
    [0, 'A'],
    [1, 'B'],
    [2, 'B'],
  ]);
  // How the interrupted charge is accounted for: B resumed the same run (same run id as A's
  // charge) from the shared DexieStore; its journal holds the charge as started with no result,
  // so the call is answered `side_effect_unknown` (headless: nobody to ask) instead of re-run.
  expect(held.runId).toBe(charges.find((c) => c.task === 0)!.runId);
  expect(held.charges).toEqual(['side_effect_unknown']);
  expect(
    report.filter((t) => t.index > 0).every((t) => t.charges.length === 1 && t.charges[0] === null),
  ).toBe(true);
});
