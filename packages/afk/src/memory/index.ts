export type {
  ApprovalFilter,
  EvalReportRecord,
  MemoryStore,
  ReadEventsOptions,
  RunFilter,
  RunLease,
  RunRecord,
  RunSnapshot,
  StoreBatch,
  StoreChange,
  ThreadRecord,
  TicketFilter,
} from './types.js';
export { SNAPSHOT_VERSION } from './types.js';
export { InMemoryStore } from './in-memory.js';
export { ChangeHub } from './change-hub.js';
