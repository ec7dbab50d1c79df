/**
 * `@afk/react`: React bindings for AFK — a provider, live hooks over the store, and the devtools
 * components (the run timeline and the span inspector). The view logic (span tree, layout, diff)
 * lives in `afk/debugger`, outside React, so another adapter can reuse it.
 */
export { type AfkContextValue, AfkProvider, useAfk, useAfkOptional } from './context.js';
export { AfkDevtools, type AfkDevtoolsProps, type DevtoolsPosition } from './devtools/AfkDevtools.js';
export { formatCost, formatDuration, formatTokens } from './format.js';
export { RunList, type RunListProps } from './RunList.js';
export { RunTimeline, type RunTimelineProps } from './RunTimeline.js';
export { buildRunRows, type RunListRow } from './run-list-model.js';
export { SpanInspector } from './SpanInspector.js';
export { type RunData, useRun } from './use-run.js';
export { DEFAULT_RUNS_LIMIT, type RunItem, type RunsFilter, type RunsPage, useRuns } from './use-runs.js';
export { type QueryState, useStoreQuery } from './use-store-query.js';
export { type ThreadData, useThread } from './use-thread.js';
