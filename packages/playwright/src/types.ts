import type { Page } from '@playwright/test';
import type { ApprovalDecision } from 'afk/core';
import type { RunExport } from 'afk/debugger';
import type {
  EvalCase,
  PageEvaluateOptions,
  PageRun,
  SuiteReport,
  ToolCallView,
  WaitForRunFilter,
} from 'afk/evals';
import type { RunRecord } from 'afk/memory';

/**
 * A run as `afk.waitForRun` returns it: the page's `PageRun` (ids, status, result, the persisted
 * events) plus `toolCalls` (the root run's tool calls in the order they started) and `finalText`.
 * Plain JSON: `expect(run)` matchers read it, `JSON.stringify` prints it.
 *
 * @example
 * const run = await afk.waitForRun({ state: 'completed' });
 * console.log(run.status, run.toolCalls.map((c) => c.name), run.finalText);
 */
export interface AfkRun extends PageRun {
  /** The root run's tool calls, in the order they started (from its `tool_started` events). */
  toolCalls: ToolCallView[];
  /** The result's final text (`''` while the run has no result). */
  finalText: string;
}

/**
 * What `afk.waitForRun` waits for: the newest root run matching every given field (the page's
 * `WaitForRunFilter`). `timeoutMs` defaults to 20 000 here, below Playwright's 30 s test timeout,
 * so a run that never comes fails with the filter named rather than a bare test timeout.
 *
 * @example
 * await afk.waitForRun({ state: ['completed', 'interrupted'], agentName: 'travel' });
 */
export type AfkRunFilter = WaitForRunFilter;

/**
 * What `afk.evaluate` takes: the page's `PageEvaluateOptions`, where `cases` may also be the path
 * of a JSON or YAML case file (read in Node with afk's `loadCases`, relative to the working
 * directory). Cases cross into the page as JSON, so their assertions are in their JSON form
 * (`{ type: 'toolCalled', name: 'add' }`), not functions. Markdown is always rendered (it is
 * what a failing test attaches).
 *
 * @example
 * await afk.evaluate({ agent: 'calculator', cases: 'evals/calculator.yaml', minPassRate: 0.9 });
 */
export interface AfkEvaluateOptions extends Omit<PageEvaluateOptions, 'cases'> {
  cases: EvalCase[] | string;
}

/** What `afk.decide` returns: the approval decided, its root run, and whether the page resumed it. */
export interface AfkDecision {
  approvalId: string;
  runId: string;
  resumed: boolean;
}

/** Options of the fixture (Playwright option `afkOptions`, set in `use` or `test.use`). */
export interface AfkFixtureOptions {
  /** How long to wait for the page to call `exposeAfk` (default 10 000 ms). */
  handleTimeoutMs: number;
  /** Default `timeoutMs` of `waitForRun` (default 20 000 ms). */
  runTimeoutMs: number;
  /** Attach the touched runs' exports and eval reports when a test fails (default true). */
  attachOnFailure: boolean;
}

/**
 * The `afk` fixture: the page's `window.__afk` handle (put there by `exposeAfk` from
 * `afk/evals`), driven from the test through `page.evaluate`. The handle is looked up again on
 * every call, so a reload or a navigation between calls (or during `waitForRun`) is fine.
 *
 * @example
 * test('adds', async ({ page, afk }) => {
 *   await page.goto('/');
 *   await page.getByRole('button', { name: 'Run' }).click();
 *   const run = await afk.waitForRun({ state: 'completed' });
 *   await expect(run).toHaveCalledTool('add', { a: 2, b: 3 });
 * });
 */
export interface AfkFixture {
  /** The page this fixture talks to (the test's `page`, or the one given to `on`). */
  readonly page: Page;
  /**
   * Waits until the page's store holds a root run matching the filter (default: any ended state)
   * and returns it with its events. Fails with the filter named after `timeoutMs`.
   */
  waitForRun(filter?: AfkRunFilter): Promise<AfkRun>;
  /**
   * Decides an approval — its id, or `'next'`: the oldest pending one — and the page resumes its
   * run (when the run's agent is among `exposeAfk`'s `agents`); wait for the outcome with `waitForRun`.
   */
  decide(approvalId: string, decision: ApprovalDecision): Promise<AfkDecision>;
  /** Runs the cases inside the page (`runSuite` on the named agent) and returns the report. */
  evaluate(options: AfkEvaluateOptions): Promise<SuiteReport>;
  /** The run's export (`afk/debugger` `RunExport`, JSON). */
  export(runId: string): Promise<RunExport>;
  /** The page's root runs, newest first (default 50). */
  runs(limit?: number): Promise<RunRecord[]>;
  /**
   * The same fixture on another page (a second tab): its runs count as touched by this test,
   * so a failing test attaches them too.
   *
   * @example
   * const other = afk.on(await context.newPage());
   */
  on(page: Page): AfkFixture;
}
