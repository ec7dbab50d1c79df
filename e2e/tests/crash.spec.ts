import { expect, test } from '@afk/playwright';
import type { BrowserContext, Page } from '@playwright/test';
import type { Hold, Transcript } from '../../apps/devtools/src/crash/crash-page';

/**
 * A tab that dies mid-run loses nothing: the run resumes in a fresh page over the same
 * IndexedDB, a side effect that happened is never repeated, and the transcript comes out as an
 * uninterrupted run's. Each test gets its own browser context, hence its own IndexedDB. The fresh
 * page (`crash.html?db=…`) exposes its runner to the `afk` fixture, which waits for the resumed
 * run, decides its approval and matches its trajectory.
 */
async function openCrashPage(context: BrowserContext, db?: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`/test-pages/crash.html${db ? `?db=${db}` : ''}`);
  await page.waitForFunction(() => window.afkCrash !== undefined);
  return page;
}

/** The same run, never interrupted: what the resumed ones must equal. */
async function uninterrupted(context: BrowserContext): Promise<Transcript> {
  const page = await openCrashPage(context);
  const baseline = await page.evaluate(() => window.afkCrash.run('baseline'));
  expect(baseline.state).toBe('completed');
  expect(baseline.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
  expect(await page.evaluate(() => window.afkCrash.effects('baseline'))).toBe(1);
  await page.close();
  return baseline;
}

/** Starts a run that stops at `hold`, waits until it is there, and kills the page. */
async function startAndKill(context: BrowserContext, db: string, hold: Hold) {
  const page = await openCrashPage(context);
  const ids = await page.evaluate(([d, h]) => window.afkCrash.start(d, h), [db, hold] as const);
  await page.waitForFunction((d) => window.afkCrash.held(d), db);
  await page.close();
  return ids;
}

const comparable = (t: Transcript) => ({
  state: t.state,
  finalText: t.finalText,
  messages: t.messages,
  tools: t.tools,
});

test('killed after the side effect, resumed in a fresh page: it happened once, same transcript', async ({
  context,
  afk,
}) => {
  const baseline = await uninterrupted(context);
  const ids = await startAndKill(context, 'after-tool', 'after-tool');

  const fresh = await openCrashPage(context, 'after-tool');
  const inFresh = afk.on(fresh);
  expect(await fresh.evaluate(() => window.afkCrash.effects('after-tool'))).toBe(1);
  const resumed = await fresh.evaluate((i) => window.afkCrash.resume('after-tool', i), ids);
  expect(resumed.runId).toBe(ids.runId);
  expect(await fresh.evaluate(() => window.afkCrash.effects('after-tool'))).toBe(1);
  expect(comparable(resumed)).toEqual(comparable(baseline));

  const run = await inFresh.waitForRun({ runId: ids.runId, state: 'completed' });
  await expect(run).toHaveCompleted();
  // One charge in the log too: the journaled result was reused, the tool never started again.
  await expect(run).toHaveCalledTool('charge_card', { amountUsd: 42 }, { times: 1 });
  await expect(run).toHaveToolSequence(['charge_card'], { mode: 'exact' });
});

test('killed inside the side-effecting tool: resume asks instead of re-running it, then completes', async ({
  context,
  afk,
}) => {
  const baseline = await uninterrupted(context);
  const ids = await startAndKill(context, 'in-tool', 'in-tool');

  const fresh = await openCrashPage(context, 'in-tool');
  const inFresh = afk.on(fresh);
  const resumed = await fresh.evaluate((i) => window.afkCrash.resume('in-tool', i), ids);
  expect(resumed.state).toBe('interrupted');
  const paused = await inFresh.waitForRun({ runId: ids.runId, state: 'interrupted' });
  expect(paused.result?.pending?.approvals).toEqual([expect.objectContaining({ toolName: 'charge_card' })]);
  expect(await fresh.evaluate(() => window.afkCrash.effects('in-tool'))).toBe(1);

  // "It happened, and this is its result": the run completes without charging again.
  const approvalId = paused.result?.pending?.approvals[0]?.id ?? '';
  const decided = await inFresh.decide(approvalId, {
    kind: 'respond',
    value: baseline.tools[0]?.output ?? null,
  });
  expect(decided).toEqual({ approvalId, runId: ids.runId, resumed: true });
  const done = await inFresh.waitForRun({ runId: ids.runId, state: 'completed' });
  await expect(done).toHaveCompleted();
  expect(done.finalText).toBe(baseline.finalText);
  expect(await fresh.evaluate(() => window.afkCrash.effects('in-tool'))).toBe(1);
});
