/**
 * `@afk/playwright`: end-to-end evals of a page that hosts AFK agents. The page opts in with
 * `exposeAfk({ runner, agents })` from `afk/evals`; tests use `test` (Playwright's, with an
 * `afk` fixture) and `expect` (Playwright's, with run and report matchers).
 *
 * @example
 * import { expect, test } from '@afk/playwright';
 *
 * test('adds two numbers', async ({ page, afk }) => {
 *   await page.goto('/');
 *   await page.getByRole('textbox').fill('Add 2 and 3');
 *   await page.getByRole('button', { name: 'Run' }).click();
 *   const run = await afk.waitForRun({ state: 'completed' });
 *   await expect(run).toHaveCalledTool('add', { a: 2, b: 3 });
 *   const report = await afk.evaluate({ agent: 'calculator', cases: 'evals/calculator.yaml' });
 *   expect(report).toPassEvals({ minPassRate: 0.9 });
 * });
 */
import { expect as baseExpect, test as baseTest } from '@playwright/test';
import { attachTouched, createAfkFixture, DEFAULT_AFK_OPTIONS, type Touched } from './fixture.js';
import { afkMatchers } from './matchers.js';
import type { AfkFixture, AfkFixtureOptions } from './types.js';

export { AfkPageError } from './errors.js';
export { DEFAULT_AFK_OPTIONS } from './fixture.js';
export { describeFailures } from './matchers.js';
export { toolCallsOf } from './run-view.js';
export type {
  AfkDecision,
  AfkEvaluateOptions,
  AfkFixture,
  AfkFixtureOptions,
  AfkRun,
  AfkRunFilter,
} from './types.js';

/** The fixtures `test` adds: `afk`, and its options `afkOptions`. */
export interface AfkTestFixtures {
  /** The page's `window.__afk` handle, driven from the test (see `AfkFixture`). */
  afk: AfkFixture;
}

/** The option fixture: `test.use({ afkOptions: { runTimeoutMs: 60_000 } })`. */
export interface AfkTestOptions {
  afkOptions: Partial<AfkFixtureOptions>;
}

/**
 * Playwright's `test` with an `afk` fixture on the test's `page`. When a test fails, the runs
 * it touched (waited for, decided, failed eval cases) are attached as JSON run exports and each
 * `evaluate`'s report as Markdown and JSON (`testInfo.attach`).
 *
 * @example
 * test('approves the send', async ({ page, afk }) => {
 *   await page.goto('/');
 *   await page.getByRole('button', { name: 'Send' }).click();
 *   const paused = await afk.waitForRun({ state: 'interrupted' });
 *   await afk.decide('next', { kind: 'approve' });
 *   const done = await afk.waitForRun({ runId: paused.runId, state: 'completed' });
 *   await expect(done).toHaveToolSequence(['lookup', 'send_email']);
 * });
 */
export const test = baseTest.extend<AfkTestFixtures & AfkTestOptions>({
  afkOptions: [{}, { option: true }],
  afk: async ({ page, afkOptions }, use, testInfo) => {
    const options: AfkFixtureOptions = { ...DEFAULT_AFK_OPTIONS, ...afkOptions };
    const touched: Touched = { runs: new Map(), reports: [] };
    await use(createAfkFixture(page, options, touched));
    if (options.attachOnFailure && testInfo.status !== testInfo.expectedStatus)
      await attachTouched(touched, testInfo, options);
  },
});

/**
 * Playwright's `expect` with AFK matchers. On a run from `afk.waitForRun`:
 * `toHaveCompleted()`, `toHaveCalledTool(name, args?, { partial?, ignoreKeys?, times? })`,
 * `toHaveToolSequence(names, { mode: 'in_order' | 'exact' })` (afk/evals' `completed`,
 * `toolCalled`, `toolSequence`); on a report from `afk.evaluate`: `toPassEvals({ minPassRate })`
 * (default 1). Failure messages list the calls made, in order, with their args, or the failed
 * cases and why.
 *
 * @example
 * const run = await afk.waitForRun({ state: 'completed' });
 * await expect(run).toHaveCompleted();
 * await expect(run).toHaveCalledTool('search_flights', { to: 'PAR' }, { partial: true });
 * await expect(run).toHaveToolSequence(['search_flights', 'book'], { mode: 'exact' });
 * expect(await afk.evaluate({ agent: 'travel', cases })).toPassEvals({ minPassRate: 0.9 });
 */
export const expect = baseExpect.extend(afkMatchers);
