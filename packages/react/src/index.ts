/**
 * `@afk/react`: React bindings for AFK — a provider, live hooks over the store, and the devtools
 * components (the run timeline and the span inspector). The view logic (span tree, layout, diff)
 * lives in `afk/debugger`, outside React, so another adapter can reuse it.
 */
export { type AfkContextValue, AfkProvider, useAfk, useAfkOptional } from './context.js';
export { AfkDevtools, type AfkDevtoolsProps, type DevtoolsPosition } from './devtools/AfkDevtools.js';
export { EvalDashboard, type EvalDashboardProps, type EvalDashboardState } from './EvalDashboard.js';
export { parseSuiteReport, type ReportImport } from './eval-report-import.js';
export {
  type CellChange,
  caseScore,
  cellChange,
  EVAL_FILTERS,
  type EvalFilter,
  type EvalMatrix,
  evalMatrix,
  filterRows,
  type MatrixRow,
  parseEvalFilter,
  percentile,
  regressionsOf,
  runsOfSuite,
  type SuiteRun,
  type SuiteRunStats,
  suiteRunId,
  suiteRunStats,
  toSuiteRuns,
} from './eval-summary.js';
export { formatCost, formatDuration, formatTokens } from './format.js';
export { RunTimeline, type RunTimelineProps } from './RunTimeline.js';
export { SpanInspector } from './SpanInspector.js';
export { type EvalRunsState, useEvalRuns } from './use-eval-runs.js';
export { type RunData, useRun } from './use-run.js';
export { type QueryState, useStoreQuery } from './use-store-query.js';
