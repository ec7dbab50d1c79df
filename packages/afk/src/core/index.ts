export type {
  AgentResult,
  ApprovalDecision,
  ApprovalRequest,
  ApprovalStatus,
  BackgroundTicket,
  RunState,
  RunStatus,
  SubagentExecutionRecord,
  ToolExecutionRecord,
  UsageAggregate,
} from '../events/records.js';
export type { RunEvent, RunEventData, RunEventType } from '../events/run-event.js';
export { parseRunEvent, RUN_EVENT_TYPES, RunEventSchema } from '../events/run-event.js';
// `validateApprovalEdit` lives in its own subpath, `afk/core/approval-edit`: its JSON Schema
// validator is most of the approval code's size, and re-exporting it here put it in every app.
export type { ApprovalEditCheck, ApprovalEditIssue } from './approval-edit.js';
export type { RunnerConfig, RunnerConfigInput } from './config.js';
export { RunnerConfigSchema } from './config.js';
export type { JournalEntry, RunFoldState } from './fold.js';
export { applyEvent, foldRun } from './fold.js';
export type { InteractionProvider } from './interaction.js';
export { loadRunState } from './load.js';
export { MODEL_CALL_APPROVAL } from './model-approval.js';
export type { RetentionOutcome, RetentionPolicy } from './retention.js';
export { RetentionPolicySchema } from './retention.js';
export type {
  AgentRef,
  AgentStreamHandle,
  CompactionPolicy,
  CompactionResult,
  ResumeOptions,
  RunnerOptions,
  RunOptions,
} from './runner.js';
export { Runner } from './runner.js';
export type { AgentStreamEvent, AgentStreamEventType } from './stream.js';
