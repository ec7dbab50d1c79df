import { expect, test } from '@afk/playwright';
import { routeRecordedOpenAI } from './recorded-openai';

test('the openai agent in the page runs on recorded SSE; the run is waited for and matched', async ({
  page,
  afk,
}) => {
  const requests = await routeRecordedOpenAI(page);
  await page.goto('/');
  await page.getByTestId('message').fill('Add 2 and 3');
  await page.getByTestId('run').click();

  const run = await afk.waitForRun({ state: 'completed', agentName: 'calculator' });
  await expect(run).toHaveCompleted();
  await expect(run).toHaveCalledTool('add', { a: 2, b: 3 });
  await expect(run).toHaveCalledTool('add', { a: 2 }, { partial: true });
  await expect(run).not.toHaveCalledTool('add', { a: 2 });
  await expect(run).toHaveToolSequence(['add'], { mode: 'exact' });
  await expect(run).not.toHaveCalledTool('subtract');
  expect(run.finalText).toBe('2 + 3 = 5.');
  await expect(page.getByTestId('final-text')).toHaveText('2 + 3 = 5.');

  // The page really spoke OpenAI's streaming chat API, with its key, twice.
  expect(requests.map((r) => [r.body.model, r.body.stream, r.authorization])).toEqual([
    ['gpt-4.1-mini', true, 'Bearer sk-example-not-a-real-key'],
    ['gpt-4.1-mini', true, 'Bearer sk-example-not-a-real-key'],
  ]);
  // ...and the key never reached the run's log or its export.
  const exported = await afk.export(run.runId);
  expect(exported.rootRunId).toBe(run.runId);
  expect(JSON.stringify(exported)).not.toContain('sk-example-not-a-real-key');
});

test('a failing matcher says which tools were called, in what order, with what args', async ({
  page,
  afk,
}) => {
  await routeRecordedOpenAI(page);
  await page.goto('/');
  await page.getByTestId('run').click();
  const run = await afk.waitForRun({ state: 'completed' });

  const called = await expect(run)
    .toHaveCalledTool('add', { a: 9, b: 3 })
    .then(() => '')
    .catch((e: Error) => e.message);
  expect(called).toContain(`to call add with {"a":9,"b":3}`);
  expect(called).toContain('add was called with other args: {"a":2,"b":3}');
  expect(called).toContain('Tool calls, in order:\n  1. add {"a":2,"b":3}');

  const sequence = await expect(run)
    .toHaveToolSequence(['add', 'add'], { mode: 'exact' })
    .then(() => '')
    .catch((e: Error) => e.message);
  expect(sequence).toContain('expected exactly [add, add], the calls were [add]');
});
