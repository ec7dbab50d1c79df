import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { Child, startDevtools } from './bridge-support';

// The two-way bridge: a Node script's run pauses for approval; the page (served by the built
// `afk devtools`) approves it in the inbox; the decision reaches the Node process, which resumes
// the run; the page shows it completed — and never resumed it itself.
const script = fileURLToPath(new URL('../fixtures/bridge-approval-script.mjs', import.meta.url));
const e2eDir = fileURLToPath(new URL('..', import.meta.url));
let server: { child: Child; url: string };

test.describe.configure({ timeout: 90_000 });
test.beforeAll(async () => {
  server = await startDevtools();
});
test.afterAll(async () => {
  await server?.child.stop();
});

test("approving a Node run's approval in the page resumes the run in Node", async ({ page }) => {
  await page.goto(`${server.url}/#/approvals`);
  await expect(page.getByTestId('bridge-status')).toHaveAttribute('data-state', 'connected');

  const node = new Child(spawn(process.execPath, [script, server.url, 'e2e node mailer'], { cwd: e2eDir }));
  try {
    const paused = JSON.parse((await node.waitFor(/PAUSED (.*)\n/))[1] as string);
    expect(paused).toMatchObject({ state: 'interrupted' });
    expect(node.out).not.toContain('TOOL_RAN');

    const card = page.locator(`[data-testid="approval-item"][data-approval-id="${paused.approvalId}"]`);
    await expect(card).toContainText('send_mail');
    await card.getByTestId('approve-button').click();
    await expect(page.getByTestId('decision-notice')).toHaveText(
      'Decided; the Node process (e2e node mailer) resumes it.',
    );

    // Node got the decision, ran the tool and completed the run.
    const result = JSON.parse((await node.waitFor(/RESULT (.*)\n/))[1] as string);
    expect(result).toMatchObject({
      runId: paused.runId,
      state: 'completed',
      text: 'mailed: sent to ada@example.com',
    });
    expect(node.out).toContain('DECISION {"kind":"resumed"');
    expect(node.out.match(/TOOL_RAN/g)).toHaveLength(1);
    expect(await node.exited).toBe(0);

    // The page shows the approval decided and the run completed (streamed back from Node).
    await expect(page.getByTestId('approvals-count-pending')).toHaveText('0');
    await page.getByTestId('approvals-tab-decided').click();
    await expect(card).toHaveAttribute('data-status', 'approved');
    await page.goto(`${server.url}/#/runs/${paused.runId}`);
    await expect(page.getByTestId('run-state')).toHaveText('completed');
    await expect(page.getByTestId('final-text')).toHaveText('mailed: sent to ada@example.com');
    await expect(page.getByTestId('bridge-status')).toHaveAttribute('data-rejected', '0');
  } finally {
    await node.stop();
  }
});

test('a decision the Node process refuses shows its reason beside the approval, which still waits', async ({
  page,
}) => {
  await page.goto(`${server.url}/#/approvals`);
  await expect(page.getByTestId('bridge-status')).toHaveAttribute('data-state', 'connected');

  // The script rejects the approval on its raw store (a terminal prompt the page never saw).
  const node = new Child(
    spawn(process.execPath, [script, server.url, 'e2e node terminal', 'decided-in-terminal'], {
      cwd: e2eDir,
    }),
  );
  try {
    const paused = JSON.parse((await node.waitFor(/PAUSED (.*)\n/))[1] as string);
    const card = page.locator(`[data-testid="approval-item"][data-approval-id="${paused.approvalId}"]`);
    await expect(card).toHaveAttribute('data-status', 'pending');
    await card.getByTestId('approve-button').click();

    // The Node process refused it (already decided there), and the page says so beside the card.
    const refusal = page.locator(`[data-testid="decision-refusal"][data-approval-id="${paused.approvalId}"]`);
    await expect(refusal).toHaveAttribute('data-code', 'approval_stale');
    await expect(refusal).toContainText('the Node process refused it');
    await expect(refusal).toContainText('already decided (rejected)');
    await expect(refusal).toContainText('the Node process had moved on');
    await expect(page.getByTestId('decision-notice')).toContainText('approval_stale');
    await expect(card).toHaveAttribute('data-status', 'pending');
    await expect(card.getByTestId('approve-button')).toBeEnabled();

    const refused = JSON.parse((await node.waitFor(/REFUSED (.*)\n/))[1] as string);
    expect(refused).toMatchObject({ code: 'approval_stale' });
    expect(node.out).not.toContain('TOOL_RAN');
    expect(await node.exited).toBe(0);

    // Dismissed, the reason goes.
    await refusal.getByTestId('decision-refusal-dismiss').click();
    await expect(refusal).toHaveCount(0);
  } finally {
    await node.stop();
  }
});
