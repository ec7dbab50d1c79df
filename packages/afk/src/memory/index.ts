export { ChangeHub } from './change-hub.js';
export { DelegatingStore } from './delegating-store.js';
export { liveRunEvents } from './dexie-live.js';
export {
  type AfkDexie,
  DEXIE_SCHEMA_VERSION,
  type EvalRunRow,
  SCHEMA_HISTORY,
  type SchemaStep,
} from './dexie-schema.js';
// The Dexie-backed exports below are the only modules that import `dexie`; bundlers drop them
// (and Dexie) for apps that only use InMemoryStore (`sideEffects: false`).
export { DexieStore, type DexieStoreOptions, DexieStoreOptionsSchema } from './dexie-store.js';
export { InMemoryStore } from './in-memory.js';
export {
  EvalReportRecordSchema,
  LeaseRowSchema,
  RunRecordSchema,
  RunSnapshotEnvelopeSchema,
  StoreChangeSchema,
  ThreadRecordSchema,
} from './rows.js';
export type { RunScanFilter, RunScanRow } from './run-scan.js';
export { type SeedRunsOptions, seedRuns } from './seed-runs.js';
export type {
  ChannelRejection,
  ChannelRejectionKind,
  ChannelRejectionReport,
} from './store-channel.js';
export type {
  ApprovalFilter,
  EvalReportRecord,
  MemoryStore,
  ReadEventsOptions,
  RunFilter,
  RunLease,
  RunRecord,
  RunSnapshot,
  RunSummary,
  StoreBatch,
  StoreChange,
  ThreadRecord,
  TicketFilter,
} from './types.js';
export { RUN_SUMMARY_INPUT_CHARS, SNAPSHOT_VERSION } from './types.js';
