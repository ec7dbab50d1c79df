/**
 * `afk/evals/models`: the data of evals — `EvalCase` and `EvalBudget` with their zod schemas,
 * the JSON assertion specs, the report types — plus the helpers around models a suite runs on:
 * `caseFromRun` (a recorded run as a replaying case), the judge's request and parser, a scripted
 * judge, and judge caches.
 */
export type {
  AssertedCase,
  Assertion,
  AssertionContext,
  AssertionResult,
  ToolCallView,
} from './assertion.js';
export { type AssertionSpec, AssertionSpecSchema } from './assertion-spec.js';
export {
  type EvalBudget,
  EvalBudgetSchema,
  type EvalCase,
  EvalCaseSchema,
  type EvalReplay,
  EvalReplaySchema,
} from './case.js';
export { type CaseFromRunOptions, caseFromRun, replayModel } from './case-from-run.js';
export {
  defaultJudgeCache,
  fileJudgeCache,
  type JudgeCache,
  type JudgeVerdict,
  judgeCacheKey,
  memoryJudgeCache,
} from './judge-cache.js';
export {
  type JudgeAnswer,
  type JudgeInput,
  judgeMaterial,
  judgeRequest,
  parseJudgeAnswer,
  scriptedJudge,
} from './judge-model.js';
export {
  type BaselineChange,
  type BaselineComparison,
  type CaseReport,
  type CaseStability,
  type CaseStatus,
  type ReporterName,
  SUITE_REPORT_VERSION,
  type SuiteReport,
  type SuiteSummary,
  type TrialReport,
} from './report.js';
export {
  type CompactCase,
  expandStoredReport,
  type StoredCaseReport,
  type StoredSuiteReport,
  toStoredReport,
} from './stored-report.js';
