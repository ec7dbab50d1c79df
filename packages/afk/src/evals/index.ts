/**
 * `afk/evals`: run eval suites over agents — `runSuite`, the assertions, `loadCases`, the
 * reporters (JSON, JUnit, Markdown, HTML) and `exposeAfk` for end-to-end evals in a browser.
 * The data types (`EvalCase`, `EvalBudget`, `SuiteReport`, ...) live in `afk/evals/models` and
 * are re-exported here.
 */
export { costAtMost, latencyAtMost, stepsAtMost, tokensAtMost } from './assertions/budget.js';
export { type CustomOutcome, custom } from './assertions/custom.js';
export { toAssertion } from './assertions/from-spec.js';
export { eventTypes, UPDATE_GOLDEN_ENV } from './assertions/golden.js';
export { type LLMJudgeOptions, llmJudge } from './assertions/judge.js';
export {
  completed,
  finalTextContains,
  finalTextEquals,
  finalTextMatches,
  outputMatchesSchema,
} from './assertions/text.js';
export {
  argsMatch,
  type ToolArgsMatch,
  toolCalled,
  toolNotCalled,
  toolSequence,
} from './assertions/tools.js';
export { type BaselineReport, compareWithBaseline, parseBaseline } from './baseline.js';
export {
  AFK_PAGE_GLOBAL,
  AFK_PAGE_VERSION,
  type AfkPageHandle,
  type ExposeAfkOptions,
  exposeAfk,
  type PageEvaluateOptions,
  type PageRun,
  type WaitForRunFilter,
} from './expose.js';
export { loadCases, type ParseCasesOptions, parseCases, validateCases } from './load-cases.js';
export * from './models/index.js';
export { renderHtml } from './reporters/html.js';
export { renderJson } from './reporters/json.js';
export { renderJUnit } from './reporters/junit.js';
export { renderMarkdown } from './reporters/markdown.js';
export { REPORT_FILES, renderReports } from './reporters/render.js';
export { runSuite } from './suite.js';
export {
  type RunSuiteOptions,
  RunSuiteOptionsSchema,
  type SuiteAgent,
  type SuiteProgress,
} from './suite-options.js';
