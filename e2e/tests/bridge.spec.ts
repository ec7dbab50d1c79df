import { expect, test } from '@playwright/test';
import { type Child, runBridgeScript, startDevtools } from './bridge-support';

// `afk devtools` (the built CLI) serves the built app and the bridge; a Node script streams its
// run into it; the page writes it into its IndexedDB and shows it live.
let server: { child: Child; url: string };

// Two processes besides the browser (the server and a Node script) on a shared machine.
test.describe.configure({ timeout: 90_000 });

test.beforeAll(async () => {
  server = await startDevtools();
});
test.afterAll(async () => {
  await server?.child.stop();
});

test('a Node script streaming through the bridge appears live', async ({ page }) => {
  await page.goto(`${server.url}/#/runs`);
  const status = page.getByTestId('bridge-status');
  await expect(status).toHaveAttribute('data-state', 'connected');
  await expect(status).toContainText('bridge: connected (0 Node sources)');

  const script = runBridgeScript(server.url, 'e2e node script');
  try {
    // The tool is running in Node (it waits for our "go"): the page shows the run live.
    await script.waitFor(/TOOL_RAN/);
    await expect(status).toContainText('(1 Node source)');
    const row = page.getByTestId('run-row').filter({ hasText: 'node-calculator' });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('running');
    await expect(row.getByTestId('run-source')).toHaveText('⇄ e2e node script');
    await row.click();
    await expect(page.getByTestId('run-state')).toHaveText('running');
    await expect(page.locator('[data-testid="span-row"][data-span-kind="tool"]')).toHaveCount(1);

    script.proc.stdin.write('go\n');
    const result = JSON.parse((await script.waitFor(/RESULT (.*)\n/))[1] as string);
    expect(result).toMatchObject({ state: 'completed', text: 'the sum is 42' });
    expect(result.stats).toMatchObject({ dropped: 0, refused: 0, buffered: 0 });
    expect(await script.exited).toBe(0);

    // The timeline fills and the run completes, without a reload.
    await expect(page.getByTestId('run-id')).toHaveText(result.runId);
    await expect(page.getByTestId('run-state')).toHaveText('completed');
    await expect(page.getByTestId('final-text')).toHaveText('the sum is 42');
    await expect(page.locator('[data-testid="span-row"][data-span-kind="llm"]')).toHaveCount(2);
    // The source said it closed; nothing was refused; the secret in the context never arrived.
    await expect(status).toContainText('(0 Node sources)');
    await expect(status).toHaveAttribute('data-rejected', '0');
    const stored = await page.evaluate(async (runId) => {
      const open = indexedDB.open('afk-devtools');
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const events = db
        .transaction('events')
        .objectStore('events')
        .getAll(IDBKeyRange.bound([runId, 0], [runId, Infinity]));
      return new Promise<unknown[]>((resolve) => {
        events.onsuccess = () => resolve(events.result);
      });
    }, result.runId);
    expect(stored.length).toBeGreaterThan(5);
    expect(JSON.stringify(stored)).not.toContain('sk-test-must-not-leave');
    expect(JSON.stringify(stored)).toContain('[redacted]');

    // A reload replays the stream: still one copy of the run.
    await page.reload();
    await expect(page.getByTestId('bridge-status')).toHaveAttribute('data-state', 'connected');
    await page.goto(`${server.url}/#/runs`);
    await expect(page.getByTestId('run-row').filter({ hasText: 'node-calculator' })).toHaveCount(1);
  } finally {
    await script.stop();
  }
});

test('a hostile BroadcastChannel message is ignored and reported', async ({ page, context }) => {
  const warnings: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'warning' && m.text().includes('afk: ignored')) warnings.push(m.text());
  });
  await page.goto(`${server.url}/#/runs`);
  await expect(page.getByTestId('bridge-status')).toHaveAttribute('data-state', 'connected');
  await expect(page.getByTestId('channel-rejections')).toHaveCount(0);

  // Another tab of the origin posts junk on the store's channel.
  const evil = await context.newPage();
  await evil.goto(`${server.url}/test-missing.txt`).catch(() => undefined);
  const posted = await evil.evaluate(() => {
    const bc = new BroadcastChannel('afk-store:afk-devtools');
    const junk: unknown[] = [
      null,
      'drop everything',
      42,
      [1, 2, 3],
      { v: 1, source: 'evil', changes: 'all' },
      { v: 1, source: 'evil', changes: [{ runId: 7, lastSeq: 'x', kind: 'events' }] },
      { v: 1, source: 'evil', changes: [{ runId: 'r1', lastSeq: 1, kind: 'drop_tables' }] },
      { v: 2, command: 'wipe', target: 'afk-devtools' },
      { v: 1, command: 'delete_run', runId: 'x' },
      JSON.parse('{"v":1,"source":"evil","changes":[],"__proto__":{"polluted":true}}'),
      JSON.parse(
        '{"v":1,"source":"evil","changes":[{"runId":"r","lastSeq":0,"kind":"run","constructor":{"prototype":{"polluted":true}}}]}',
      ),
      { v: 1, source: 'x'.repeat(2_000_000), changes: [] },
      {
        v: 1,
        source: 'evil',
        changes: Array.from({ length: 20_000 }, (_, i) => ({ runId: `r${i}`, lastSeq: 0, kind: 'run' })),
      },
    ];
    for (const m of junk) bc.postMessage(m);
    bc.close();
    return junk.length;
  });

  const report = page.getByTestId('channel-rejections');
  await expect(report).toHaveAttribute('data-total', String(posted));
  await expect(report).toContainText(`${posted} hostile channel messages ignored`);
  const title = (await report.getAttribute('title')) ?? '';
  for (const kind of [
    'not_an_object',
    'invalid',
    'unknown_kind',
    'unknown_version',
    'prototype_key',
    'oversized',
  ])
    expect(title).toContain(kind);
  // One warning per kind, not one per message.
  expect(warnings.length).toBe(6);
  // Nothing was applied, nothing polluted, and the app still works: a bridged run still arrives.
  expect(await page.evaluate(() => ({}) as { polluted?: boolean }).then((o) => o.polluted)).toBeUndefined();
  await expect(page.getByTestId('run-row')).toHaveCount(0);
  const script = runBridgeScript(server.url, 'after the junk');
  try {
    await script.waitFor(/TOOL_RAN/);
    script.proc.stdin.write('go\n');
    await script.waitFor(/RESULT/);
  } finally {
    await script.stop();
  }
  await expect(page.getByTestId('run-row').filter({ hasText: 'node-calculator' }).first()).toContainText(
    'completed',
  );
});
