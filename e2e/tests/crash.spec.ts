import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import type { Hold, Transcript } from '../../apps/devtools/src/crash/crash-page';

/**
 * A tab that dies mid-run loses nothing: the run resumes in a fresh page over the same
 * IndexedDB, a side effect that happened is never repeated, and the transcript comes out as an
 * uninterrupted run's. Each test gets its own browser context, hence its own IndexedDB.
 */
async function openCrashPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto('/test-pages/crash.html');
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
}) => {
  const baseline = await uninterrupted(context);
  const ids = await startAndKill(context, 'after-tool', 'after-tool');

  const fresh = await openCrashPage(context);
  expect(await fresh.evaluate(() => window.afkCrash.effects('after-tool'))).toBe(1);
  const resumed = await fresh.evaluate((i) => window.afkCrash.resume('after-tool', i), ids);
  expect(resumed.runId).toBe(ids.runId);
  expect(await fresh.evaluate(() => window.afkCrash.effects('after-tool'))).toBe(1);
  expect(comparable(resumed)).toEqual(comparable(baseline));
});

test('killed inside the side-effecting tool: resume asks instead of re-running it, then completes', async ({
  context,
}) => {
  const baseline = await uninterrupted(context);
  const ids = await startAndKill(context, 'in-tool', 'in-tool');

  const fresh = await openCrashPage(context);
  const paused = await fresh.evaluate((i) => window.afkCrash.resume('in-tool', i), ids);
  expect(paused.state).toBe('interrupted');
  expect(paused.pendingApprovals).toEqual([expect.objectContaining({ toolName: 'charge_card' })]);
  expect(await fresh.evaluate(() => window.afkCrash.effects('in-tool'))).toBe(1);

  // "It happened, and this is its result": the run completes without charging again.
  const approvalId = paused.pendingApprovals[0]?.id ?? '';
  // Sent as JSON text: a recursive JSON type as an evaluate() argument is too deep for tsc.
  const outputJson = JSON.stringify(baseline.tools[0]?.output ?? null);
  const done = await fresh.evaluate(
    ([id, json, i]) =>
      window.afkCrash.decideAndResume('in-tool', id, { kind: 'respond', value: JSON.parse(json) }, i),
    [approvalId, outputJson, ids] as const,
  );
  expect(await fresh.evaluate(() => window.afkCrash.effects('in-tool'))).toBe(1);
  expect(done.state).toBe('completed');
  expect(done.finalText).toBe(baseline.finalText);
});
