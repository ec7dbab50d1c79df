import { AfkPageError, expect, test } from '@afk/playwright';

test.describe('without a handle', () => {
  test.use({ afkOptions: { handleTimeoutMs: 1_000 } });

  test('a page that never calls exposeAfk fails with a clear error naming it', async ({ page, afk }) => {
    await page.goto('/no-afk.html');
    const error = await afk.waitForRun().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AfkPageError);
    expect((error as AfkPageError).code).toBe('not_found');
    expect((error as Error).message).toMatch(
      /window\.__afk did not appear on http:\/\/.+\/no-afk\.html within 1000 ms: the page must call exposeAfk\(\{ runner, agents \}\) from 'afk\/evals'/,
    );
  });

  test('a handle of another version is refused, saying which', async ({ page, afk }) => {
    await page.goto('/no-afk.html');
    await page.evaluate(() => {
      (window as unknown as { __afk: unknown }).__afk = { version: 99 };
    });
    await expect(afk.runs()).rejects.toThrow(
      /window\.__afk on .+ is version 99, but this @afk\/playwright speaks version 1/,
    );
  });
});

test('the handle is looked up per call: a reload during waitForRun is survived', async ({ page, afk }) => {
  await page.goto('/');
  await page.getByTestId('agent').selectOption('mailer');
  const waited = afk.waitForRun({ state: 'interrupted', agentName: 'mailer' });
  // The store is in memory: the reload empties it; the run started after it is the one found.
  await page.reload();
  await page.getByTestId('agent').selectOption('mailer');
  await page.getByTestId('run').click();
  const run = await waited;
  await expect(run).toHaveCalledTool('lookup_contact');
});

test('an error thrown in the page keeps its code and message', async ({ page, afk }) => {
  await page.goto('/');
  const error = await afk.evaluate({ agent: 'nobody', cases: [] }).catch((e: unknown) => e);
  expect((error as AfkPageError).code).toBe('invalid_argument');
  expect((error as Error).message).toContain(
    "window.__afk.evaluate: no agent 'nobody' (exposed: calculator, mailer)",
  );
});
