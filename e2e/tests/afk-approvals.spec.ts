import { expect, test } from '@afk/playwright';
import type { Page } from '@playwright/test';

const EMAIL_PROMPT = 'Add 2 and 3, then email the result to ada@example.com';
const FINAL = '2 + 3 = 5. I emailed the result to ada@example.com.';

/** Starts the email prompt in the playground; the run pauses on the send_email approval. */
async function startEmailRun(page: Page) {
  await page.goto('/');
  await page.getByTestId('user-input').fill(EMAIL_PROMPT);
  await page.getByTestId('run-button').click();
}

test('a paused run survives a reload; afk.decide approves it and the page runs it to completion', async ({
  page,
  afk,
}) => {
  const started = Date.now();
  await startEmailRun(page);
  const paused = await afk.waitForRun({ state: 'interrupted', agentName: 'calculator', after: started });
  expect(paused.result?.pending?.approvals).toEqual([
    expect.objectContaining({
      toolName: 'send_email',
      args: expect.objectContaining({ to: 'ada@example.com' }),
    }),
  ]);
  await expect(paused).toHaveCalledTool('add', { a: 2, b: 3 });
  await expect(paused).not.toHaveCompleted();

  // The approval lives in IndexedDB: a reload keeps it, and the handle is found again.
  await page.reload();
  await expect(page.getByTestId('run-state')).toHaveText('interrupted');
  const decided = await afk.decide('next', { kind: 'approve' });
  expect(decided).toMatchObject({ runId: paused.runId, resumed: true });

  const done = await afk.waitForRun({ runId: paused.runId, state: 'completed' });
  await expect(done).toHaveCompleted();
  await expect(done).toHaveToolSequence(['add', 'send_email'], { mode: 'exact' });
  await expect(done).toHaveCalledTool('send_email', { to: 'ada@example.com' }, { partial: true });
  expect(done.finalText).toBe(FINAL);
  // Continued the way the inbox would: streamed into this tab's playground.
  await expect(page.getByTestId('run-state')).toHaveText('completed');
  await expect(page.getByTestId('final-text')).toHaveText(FINAL);
  await expect(page.getByTestId('approval-item')).toHaveCount(0);
});

test('two tabs on one run: the second tab decides, the first (its host) continues it', async ({
  page,
  context,
  afk,
}) => {
  test.setTimeout(60_000); // two pages
  await startEmailRun(page);
  const paused = await afk.waitForRun({ state: 'interrupted' });

  const tab2 = await context.newPage();
  await tab2.goto('/#/approvals');
  await expect(tab2.getByTestId('approval-item')).toHaveCount(1);
  const second = afk.on(tab2);
  await second.decide('next', { kind: 'approve' });

  // Both tabs see the same run end (one IndexedDB): tab 1 ran it, tab 2 watched it.
  const [seenHere, seenThere] = await Promise.all([
    afk.waitForRun({ runId: paused.runId, state: 'completed' }),
    second.waitForRun({ runId: paused.runId, state: 'completed' }),
  ]);
  expect(seenThere.events.map((e) => e.seq)).toEqual(seenHere.events.map((e) => e.seq));
  await expect(seenThere).toHaveToolSequence(['add', 'send_email'], { mode: 'exact' });
  await expect(page.getByTestId('final-text')).toHaveText(FINAL);
  await expect(page.getByTestId('event-item').filter({ hasText: 'approved by human' })).toHaveCount(1);
});
