/**
 * `@afk/react`: React bindings for AFK — a provider, live hooks over the store, and the devtools
 * components (the run timeline and the span inspector). The view logic (span tree, layout, diff)
 * lives in `afk/debugger`, outside React, so another adapter can reuse it.
 */

export { ApprovalInbox, type ApprovalInboxProps, type ApprovalTab } from './ApprovalInbox.js';
export { type AfkContextValue, AfkProvider, useAfk, useAfkOptional } from './context.js';
export { AfkDevtools, type AfkDevtoolsProps, type DevtoolsPosition } from './devtools/AfkDevtools.js';
export { formatCost, formatDuration, formatTokens } from './format.js';
export { RunTimeline, type RunTimelineProps } from './RunTimeline.js';
export { RunHosts } from './run-hosts.js';
export { SpanInspector } from './SpanInspector.js';
export {
  type ApprovalsFilter,
  type ApprovalsState,
  type DecideOutcome,
  type UseApprovalsOptions,
  useApprovals,
} from './use-approvals.js';
export { type RunData, useRun } from './use-run.js';
export { type QueryState, useStoreQuery } from './use-store-query.js';
