import { expect, type Page, test } from '@playwright/test';

const EMAIL_PROMPT = 'Add 2 and 3, then email the result to ada@example.com';

/** Runs the email prompt until the run pauses on the send_email approval. */
async function runUntilApproval(page: Page) {
  await page.goto('/');
  await page.getByTestId('user-input').fill(EMAIL_PROMPT);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-state')).toHaveText('interrupted');
  const approval = page.getByTestId('approval-item');
  await expect(approval).toHaveCount(1);
  await expect(approval).toContainText('send_email');
  await expect(approval).toContainText('ada@example.com');
  await expect(page.getByTestId('event-item').filter({ hasText: 'send_email needs approval' })).toHaveCount(
    1,
  );
  return approval;
}

test('approving the email in the inbox resumes the run to completion', async ({ page }) => {
  const approval = await runUntilApproval(page);
  await approval.getByTestId('approve-button').click();

  await expect(page.getByTestId('run-state')).toHaveText('completed');
  await expect(page.getByTestId('final-text')).toHaveText(
    '2 + 3 = 5. I emailed the result to ada@example.com.',
  );
  await expect(page.getByTestId('approval-item')).toHaveCount(0);
});

test('rejecting the email resumes the run and the agent says it did not send it', async ({ page }) => {
  const approval = await runUntilApproval(page);
  await approval.getByTestId('reject-button').click();

  await expect(page.getByTestId('run-state')).toHaveText('completed');
  await expect(page.getByTestId('final-text')).toContainText('2 + 3 = 5. I did not send the email');
  await expect(page.getByTestId('approval-item')).toHaveCount(0);
});

test('a pending approval survives a reload (it lives in IndexedDB) and can be approved after it', async ({
  page,
}) => {
  await runUntilApproval(page);
  await page.reload();

  const approval = page.getByTestId('approval-item');
  await expect(approval).toHaveCount(1);
  await expect(approval).toContainText('send_email');
  await expect(page.getByTestId('run-state')).toHaveText('interrupted');

  await approval.getByTestId('approve-button').click();
  await expect(page.getByTestId('run-state')).toHaveText('completed');
  await expect(page.getByTestId('final-text')).toHaveText(
    '2 + 3 = 5. I emailed the result to ada@example.com.',
  );
  await expect(page.getByTestId('approval-item')).toHaveCount(0);
});
