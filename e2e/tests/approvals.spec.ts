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
  await expect(approval.getByTestId('arg-to')).toHaveValue('ada@example.com');
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

test("a second tab approves and the first tab's run resumes", async ({ page, context }) => {
  test.setTimeout(60_000); // two pages
  // Tab 1 started the run and hosts it while it waits.
  await runUntilApproval(page);

  // Tab 2 (same browser context: the same IndexedDB) decides in the Approvals view.
  const tab2 = await context.newPage();
  await tab2.goto('/#/approvals');
  const card = tab2.getByTestId('approval-item');
  await expect(card).toHaveCount(1);
  await expect(tab2.getByTestId('approvals-count-pending')).toHaveText('1');
  await card.getByTestId('approve-button').click();
  await expect(tab2.getByTestId('decision-notice')).toContainText('running in another tab');

  // Tab 1 — the owner — ingests the decision and continues: its stream shows the resume.
  await expect(page.getByTestId('run-state')).toHaveText('completed');
  await expect(page.getByTestId('final-text')).toHaveText(
    '2 + 3 = 5. I emailed the result to ada@example.com.',
  );
  await expect(page.getByTestId('event-item').filter({ hasText: 'approved by human' })).toHaveCount(1);

  // Tab 2 ran nothing itself; the decision is listed as decided, linked to the approval span.
  await expect(tab2.getByTestId('approvals-count-pending')).toHaveText('0');
  await tab2.getByTestId('approvals-tab-decided').click();
  const decided = tab2.getByTestId('approval-item');
  await expect(decided).toHaveAttribute('data-status', 'approved');
  await expect(decided.getByTestId('approval-decision')).toContainText('approved once');
  await decided.getByTestId('approval-span-link').click();
  await expect(tab2).toHaveURL(/#\/runs\/[^/]+\/span\/[^/]+%3Aapproval%3A\d+$/);
});

test('an edit is checked against the tool schema before it is sent; the run gets the edited args', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByTestId('agent-mailer').click();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-state')).toHaveText('interrupted');
  const card = page.getByTestId('approval-item');
  await expect(card.getByTestId('tool-description')).toContainText('A human approves every message first');

  await card.getByTestId('arg-to').fill('not-an-address');
  await expect(card.getByTestId('edited-marker')).toHaveText('⚠ edited: to');
  await expect(card.locator('[data-field="to"]').getByTestId('field-error')).toBeVisible();
  await expect(card.getByTestId('approve-edited-button')).toBeDisabled();

  await card.getByTestId('arg-to').fill('grace@example.com');
  await card.getByTestId('arg-priority').selectOption('high');
  await expect(card.getByTestId('field-error')).toHaveCount(0);
  await card.getByTestId('approve-edited-button').click();

  await expect(page.getByTestId('run-state')).toHaveText('completed');
  await expect(page.getByTestId('final-text')).toHaveText('Sent "Weekly report" to grace@example.com.');
});
