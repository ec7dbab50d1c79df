export { Runner } from './runner.js';
export type { AgentRef, AgentStreamHandle, CompactionPolicy, CompactionResult, ResumeOptions, RunOptions, RunnerOptions } from './runner.js';
export { RunnerConfigSchema } from './config.js';
export type { RunnerConfig, RunnerConfigInput } from './config.js';
export type { AgentStreamEvent, AgentStreamEventType } from './stream.js';
export type { InteractionProvider } from './interaction.js';
export { applyEvent, foldRun } from './fold.js';
export type { RunFoldState, JournalEntry } from './fold.js';
export { loadRunState } from './load.js';
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
export { RUN_EVENT_TYPES, RunEventSchema, parseRunEvent } from '../events/run-event.js';
export type { RunEvent, RunEventData, RunEventType } from '../events/run-event.js';
