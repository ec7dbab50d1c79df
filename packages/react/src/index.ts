/**
 * `@afk/react`: React bindings for AFK — a provider, live hooks over the store, and the devtools
 * components (the run timeline and the span inspector). The view logic (span tree, layout, diff)
 * lives in `afk/debugger`, outside React, so another adapter can reuse it.
 */

export { ApprovalInbox, type ApprovalInboxProps, type ApprovalTab } from './ApprovalInbox.js';
export { ChatView, type ChatViewProps } from './ChatView.js';
export { type AfkContextValue, AfkProvider, useAfk, useAfkOptional } from './context.js';
export {
  AfkDevtools,
  type AfkDevtoolsProps,
  type DevtoolsAgents,
  type DevtoolsPosition,
} from './devtools/AfkDevtools.js';
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
export { ForkDialog, type ForkDialogProps } from './ForkDialog.js';
export { type ForkableCall, type ForkPlan, forkPlan, forkRequest } from './fork-plan.js';
export { formatCost, formatDuration, formatTokens } from './format.js';
export { APPROVAL_INBOX_KEYS, type InboxKey, type InboxKeyAction, inboxKeyAction } from './inbox-keys.js';
export { JsonView, type JsonViewProps } from './JsonView.js';
export { firstNewMessage } from './message-diff.js';
export { RunDiffView, type RunDiffViewProps } from './RunDiffView.js';
export { RunList, type RunListProps } from './RunList.js';
export { RunTimeline, type RunTimelineProps } from './RunTimeline.js';
export { RunHosts } from './run-hosts.js';
export { buildRunRows, type RunListRow } from './run-list-model.js';
export { type InspectorTab, SpanInspector, type SpanInspectorProps } from './SpanInspector.js';
export { StepChart, type StepChartProps } from './StepChart.js';
export { neighbourSpan, parallelSpanIds, type StepPoint, stepPoints } from './span-tree.js';
export { axisTicks, clampWindow, panWindow, type TimeWindow, zoomWindow } from './timeline-window.js';
export {
  type ApprovalsFilter,
  type ApprovalsState,
  type DecideOutcome,
  type RemoteDecisions,
  type UseApprovalsOptions,
  useApprovals,
} from './use-approvals.js';
export { type EvalRunsState, useEvalRuns } from './use-eval-runs.js';
export { type RunData, useRun } from './use-run.js';
export { type RunStreamState, useRunStream } from './use-run-stream.js';
export { DEFAULT_RUNS_LIMIT, type RunItem, type RunsFilter, type RunsPage, useRuns } from './use-runs.js';
export { type QueryState, useStoreQuery } from './use-store-query.js';
export { type ThreadData, useThread } from './use-thread.js';
