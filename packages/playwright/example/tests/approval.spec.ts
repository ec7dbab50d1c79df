import { expect, test } from '@afk/playwright';

test('a run waits for approval; afk.decide approves it, the page resumes it and it completes', async ({
  page,
  afk,
}) => {
  await page.goto('/');
  await page.getByTestId('agent').selectOption('mailer');
  await page.getByTestId('message').fill('Send Ada the weekly report');
  const started = Date.now();
  await page.getByTestId('run').click();

  const paused = await afk.waitForRun({ state: 'interrupted', agentName: 'mailer', after: started });
  expect(paused.result?.pending?.approvals).toEqual([
    expect.objectContaining({
      toolName: 'send_email',
      args: { to: 'ada@example.com', subject: 'Weekly report' },
    }),
  ]);
  // Asked for, not yet run: the trajectory so far is the look-up and the held send.
  await expect(paused).toHaveToolSequence(['lookup_contact']);
  await expect(paused).not.toHaveCompleted();

  const decided = await afk.decide('next', { kind: 'approve' });
  expect(decided).toEqual({ approvalId: expect.any(String), runId: paused.runId, resumed: true });

  const done = await afk.waitForRun({ runId: paused.runId, state: 'completed' });
  await expect(done).toHaveCompleted();
  await expect(done).toHaveToolSequence(['lookup_contact', 'send_email'], { mode: 'exact' });
  await expect(done).toHaveCalledTool('send_email', { to: 'ada@example.com' }, { partial: true });
  expect(done.finalText).toContain('"sent":true');

  // Nothing is pending any more: 'next' says so, clearly.
  await expect(afk.decide('next', { kind: 'approve' })).rejects.toThrow(/no pending approval/);
});
