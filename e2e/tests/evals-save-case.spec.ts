import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { Agent } from 'afk/agents';
import { Runner } from 'afk/core';
import { parseCases, runSuite } from 'afk/evals';
import { scripted } from 'afk/llms';
import { InMemoryStore } from 'afk/memory';
import { tool } from 'afk/tools';
import { z } from 'zod';

/** A model that must never be asked: the saved case replays its recorded responses instead. */
const noModel = scripted(() => {
  throw new Error('the model was called');
});

/** The calculator demo's `add` tool, as the code under test would have it today. */
const add = tool({
  name: 'add',
  description: 'Add two numbers',
  args: z.object({ a: z.number(), b: z.number() }),
  run: ({ a, b }) => a + b,
  effects: 'pure',
});

async function runCalculator(page: import('@playwright/test').Page): Promise<string> {
  await page.goto('/');
  await page.getByTestId('user-input').fill('Add 2 and 3');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-state')).toHaveText('completed');
  const runId = await page.evaluate(() => sessionStorage.getItem('afk-devtools:playground-run'));
  expect(runId).toBeTruthy();
  return runId as string;
}

test('a run saved as an eval case downloads as a cases file that replays offline to a pass', async ({
  page,
}) => {
  const runId = await runCalculator(page);
  await page.goto(`/#/runs/${runId}`);
  await page.getByTestId('save-case-button').click();
  const dialog = page.getByTestId('save-case-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('save-case-id')).toHaveValue(/^calculator-/);
  await page.getByTestId('save-case-id').fill('adds-two-and-three');
  await expect(dialog).toContainText('add');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('save-case-download').click(),
  ]);
  expect(download.suggestedFilename()).toBe('adds-two-and-three.cases.json');
  const text = await readFile(await download.path(), 'utf8');

  // What `afk eval` / `loadCases` read: the case, its assertions and the cassette.
  const cases = await parseCases(text, { source: 'adds-two-and-three.cases.json' });
  expect(cases).toHaveLength(1);
  const [c] = cases;
  expect(c).toMatchObject({ id: 'adds-two-and-three', input: 'Add 2 and 3' });
  expect(c!.assertions).toEqual([
    { type: 'completed' },
    { type: 'toolSequence', names: ['add'], mode: 'exact' },
    { type: 'finalTextContains', text: '2 + 3 = 5.' },
  ]);
  expect(c!.replay?.responses.length).toBe(2);

  // Offline: the agent's own model throws if asked; the case replays its recorded responses.
  const agent = new Agent({ name: 'calculator', model: noModel, tools: [add] });
  const report = await runSuite({ cases, agent, runner: new Runner({ store: new InMemoryStore() }) });
  expect(report.cases[0]).toMatchObject({ id: 'adds-two-and-three', status: 'passed' });
  expect(report.cases[0]!.assertions.map((a) => a.passed)).toEqual([true, true, true]);
  expect(report.passed).toBe(true);

  // An agent that lost its add tool is caught by the same case.
  const regressed = await runSuite({
    cases,
    agent: new Agent({ name: 'calculator', model: noModel, tools: [] }),
    store: false,
  });
  expect(regressed.cases[0]!.passed).toBe(false);
  expect(regressed.passed).toBe(false);
});

test('a case added to Saved cases runs from the Evals view and its report opens', async ({ page }) => {
  const runId = await runCalculator(page);
  await page.goto(`/#/runs/${runId}`);
  await page.getByTestId('save-case-button').click();
  await page.getByTestId('save-case-add').click();
  await expect(page.getByTestId('save-case-status')).toContainText('Added');

  await page.goto('/#/evals');
  const saved = page.getByTestId('saved-cases');
  await expect(saved.locator('[data-testid^="saved-case-calculator-"]')).toHaveCount(1);
  await page.getByTestId('run-saved-cases').click();
  await expect(page.getByTestId('suite-done')).toContainText('1/1 cases passed');
  await page.getByTestId('suite-report-link').click();
  await expect(page).toHaveURL(/#\/evals\/saved-cases(@|%40)\d+/);
  await expect(page.getByTestId('eval-pass-rate')).toHaveText('100% (1/1)');
});

test('the playground runs the example suite with a progress bar and links its report', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('run-example-suite').click();
  const bar = page.getByRole('progressbar', { name: 'Example suite progress' });
  await expect(bar).toBeVisible();
  await expect(bar).toHaveAttribute('aria-valuemax', '5');
  const done = page.getByTestId('suite-done');
  await expect(done).toContainText('5/5 cases passed', { timeout: 20_000 });
  await page.getByTestId('suite-report-link').click();
  await expect(page).toHaveURL(/#\/evals\/playground-examples(@|%40)\d+/);
  await expect(page.getByTestId('eval-matrix')).toContainText('reporter-q3');
});
