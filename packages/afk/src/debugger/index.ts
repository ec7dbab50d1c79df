/**
 * `afk/debugger`: read runs back from the event log — timelines, time travel, export/import,
 * diff and fork. Pure functions over the log are exported too, for tools that hold events already.
 */
export { Debugger } from './debugger.js';
export { alignSteps, diffLogs, summariseSteps } from './diff.js';
export { parseRunExport, RUN_EXPORT_FORMAT, RUN_EXPORT_VERSION } from './export.js';
export { type LayoutOptions, layoutTimeline, type TimelineRow } from './layout.js';
export { buildTimeline, findSpan, finishTimeline, flattenSpans, type RunLogs } from './timeline.js';
export { foldTimeline, type TimelineFold, type TimelineFoldOptions } from './timeline-fold.js';
export { type LoadTimelineOptions, loadTimeline, type TimelineProgress } from './timeline-loader.js';
export {
  type DebuggerConfig,
  DebuggerConfigSchema,
  type ForkEdit,
  type RunDiff,
  type RunExport,
  type RunView,
  type Span,
  type SpanKind,
  type SpanStatus,
  type StepSummary,
  type Timeline,
} from './types.js';
