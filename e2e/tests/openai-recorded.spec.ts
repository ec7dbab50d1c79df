import { readFileSync } from 'node:fs';
import { expect, test } from '@afk/playwright';

const KEY = 'sk-e2e-recorded-0123456789';
const recorded = (name: string) =>
  readFileSync(new URL(`../../packages/playwright/example/recorded/${name}`, import.meta.url), 'utf8');

test('the openai provider in the page streams recorded SSE answered by page.route', async ({ page, afk }) => {
  const requests: Array<{ authorization: string | null; stream: boolean; model: string }> = [];
  // Same origin as the app: Playwright answers, nothing leaves the machine.
  await page.route('**/recorded-openai/v1/chat/completions', async (route) => {
    const body = route.request().postDataJSON() as {
      model: string;
      stream?: boolean;
      messages: { role: string }[];
    };
    requests.push({
      authorization: await route.request().headerValue('authorization'),
      stream: body.stream === true,
      model: body.model,
    });
    const turn = body.messages.at(-1)?.role === 'tool' ? 'add-answer' : 'add-tool-call';
    await route.fulfill({
      status: 200,
      headers: { 'content-type': body.stream ? 'text/event-stream' : 'application/json' },
      body: recorded(`${turn}.${body.stream ? 'sse' : 'json'}`),
    });
  });

  await page.goto('/');
  await page.getByTestId('provider-select').selectOption('openai');
  await page.getByTestId('model-input').fill('gpt-4.1-mini');
  await page.getByTestId('api-key-input').fill(KEY);
  await page.getByTestId('base-url-input').fill(new URL('/recorded-openai/v1', page.url()).href);
  await page.getByTestId('apply-settings').click();
  await expect(page.getByTestId('model-in-use')).toContainText('openai:gpt-4.1-mini');

  await page.getByTestId('user-input').fill('Add 2 and 3');
  await page.getByTestId('run-button').click();
  const run = await afk.waitForRun({ state: 'completed', agentName: 'calculator' });
  await expect(run).toHaveCompleted();
  await expect(run).toHaveCalledTool('add', { a: 2, b: 3 });
  expect(run.finalText).toBe('2 + 3 = 5.');
  await expect(page.getByTestId('final-text')).toHaveText('2 + 3 = 5.');

  // Two streamed chat completions with the key; the key is in no event of the run.
  expect(requests).toEqual([
    { authorization: `Bearer ${KEY}`, stream: true, model: 'gpt-4.1-mini' },
    { authorization: `Bearer ${KEY}`, stream: true, model: 'gpt-4.1-mini' },
  ]);
  expect(JSON.stringify(await afk.export(run.runId))).not.toContain(KEY);
});
