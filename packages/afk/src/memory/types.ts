import type {
  AgentResult,
  ApprovalRequest,
  ApprovalStatus,
  BackgroundTicket,
  RunStatus,
} from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import type { JSONValue } from '../internal/json.js';

/** Schema version of snapshots; a snapshot with another version is refused (`checkpoint_corrupt`). */
export const SNAPSHOT_VERSION = 1;

/** One row per run, for listings (devtools, resume, thread memory). */
export interface RunRecord {
  runId: string;
  threadId: string;
  agentName: string;
  parentRunId?: string;
  rootRunId: string;
  status: RunStatus;
  startedAt: number;
  updatedAt: number;
  /** seq of the last event written. */
  lastSeq: number;
  /** Set once the run reached a terminal state (also `interrupted`). */
  result?: AgentResult;
  /** Set on a run made by `Debugger.fork`: the run and seq it continues from. */
  forkedFrom?: { runId: string; seq: number };
  /**
   * What a run listing shows without reading the run's events (written with every record since
   * this field exists; older rows lack it).
   */
  summary?: RunSummary;
}

/** A run's listing summary, kept on its record (see `RunRecord.summary`). */
export interface RunSummary {
  /** The text of the run's first user message, at most {@link RUN_SUMMARY_INPUT_CHARS} characters. */
  input?: string;
  /** Steps started so far. */
  steps: number;
  /** Tokens and cost so far (also while the run is still going). */
  usage: { inputTokens: number; outputTokens: number; totalTokens: number; costUsd: number };
}

/** How much of the first user message a run record keeps for listings. */
export const RUN_SUMMARY_INPUT_CHARS = 200;

/** The folded state of a run at `seq`, stored every K steps and at pauses/ends. */
export interface RunSnapshot {
  runId: string;
  threadId: string;
  seq: number;
  version: number;
  createdAt: number;
  /** The fold state (JSON); validated by the core when read back. */
  state: JSONValue;
}

export interface ThreadRecord {
  threadId: string;
  /** The run whose final messages are the thread's memory. */
  lastRunId?: string;
  runIds: string[];
  createdAt: number;
  updatedAt: number;
}

/** A persisted eval suite report (see `afk/evals`). */
export interface EvalReportRecord {
  suiteId: string;
  startedAt: number;
  report: JSONValue;
}

/**
 * Everything one flush writes, committed atomically in one short transaction. The runner flushes
 * at the durable points of a step (LLM response and journal before non-pure tools; results
 * before the next LLM response is acted on, before the call itself for side effects; see
 * docs/decisions.md "Writes that overlap the next action"), so per-step cost is O(new events).
 */
export interface StoreBatch {
  events?: RunEvent[];
  run?: RunRecord;
  snapshot?: RunSnapshot;
  approvals?: ApprovalRequest[];
  tickets?: BackgroundTicket[];
  thread?: ThreadRecord;
  /**
   * `relaxed` lets IndexedDB skip the fsync (live deltas, listings); journal entries and results
   * always use `default`.
   */
  durability?: 'default' | 'relaxed';
}

export interface ReadEventsOptions {
  fromSeq?: number;
  toSeq?: number;
  limit?: number;
  /**
   * How a durable store checks the rows it reads back. `'full'` (default): every row is parsed
   * against `RunEventSchema` (what resume, fork and export rely on). `'structural'`: for reads
   * that only show the events (the devtools' run view), a store may instead check each row
   * cheaply — an object with this run id, the next seq, a known `type` and object `data` — and
   * return it as stored; a row that fails that check still gets the full parse, so a corrupt or
   * foreign row is still `row_corrupt`. Stores without read validation ignore it.
   *
   * @example
   * await store.readEvents(runId, { fromSeq: 0, limit: 2000, validate: 'structural' });
   */
  validate?: 'full' | 'structural';
}

export interface ApprovalFilter {
  threadId?: string;
  runId?: string;
  rootRunId?: string;
  status?: ApprovalStatus;
}

export interface TicketFilter {
  threadId?: string;
  runId?: string;
  includeResolved?: boolean;
}

export interface RunFilter {
  threadId?: string;
  status?: RunStatus;
  limit?: number;
}

/**
 * What `watch` reports: which run changed and up to which seq (`-1` for approvals, tickets and
 * eval reports). For `kind: 'eval'` (a `putEvalReport`) `runId` is the report's suite id, so
 * `watch(suiteId)` or `watch('all')` hears it.
 */
export interface StoreChange {
  runId: string;
  lastSeq: number;
  kind: 'events' | 'approval' | 'ticket' | 'run' | 'eval';
}

/** A time-bounded claim on a run: one owner executes it at a time. */
export interface RunLease {
  runId: string;
  owner: string;
  expiresAt: number;
  release(): Promise<void>;
}

/**
 * The one persistence interface: run events, snapshots, approvals, tickets, threads, eval
 * reports. Implementations: `InMemoryStore` (default), `DexieStore` (IndexedDB).
 *
 * Contract: `write` is atomic; events in a batch must continue their run's seq without gaps
 * (a gap or overlap is refused with `AfkStorageError`), so two writers cannot interleave one run.
 * Every row read back is validated; a corrupt or foreign row is an `AfkStorageError`, never
 * silently skipped or overwritten.
 */
export interface MemoryStore {
  readonly kind: string;
  write(batch: StoreBatch): Promise<void>;
  readEvents(runId: string, opts?: ReadEventsOptions): Promise<RunEvent[]>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  listRuns(filter?: RunFilter): Promise<RunRecord[]>;
  /** The newest snapshot with `seq <= maxSeq` (default: newest). */
  getSnapshot(runId: string, maxSeq?: number): Promise<RunSnapshot | undefined>;
  getApproval(id: string): Promise<ApprovalRequest | undefined>;
  listApprovals(filter?: ApprovalFilter): Promise<ApprovalRequest[]>;
  getTicket(ticketId: string): Promise<BackgroundTicket | undefined>;
  listTickets(filter?: TicketFilter): Promise<BackgroundTicket[]>;
  getThread(threadId: string): Promise<ThreadRecord | undefined>;
  putEvalReport(report: EvalReportRecord): Promise<void>;
  listEvalReports(limit?: number): Promise<EvalReportRecord[]>;
  /**
   * Deletes events with `seq < beforeSeq` and snapshots older than the newest `keepSnapshots`.
   * The run's newest event is always kept: it anchors seq continuity for later writes.
   */
  compactRun(
    runId: string,
    opts: { beforeSeq?: number; keepSnapshots?: number },
  ): Promise<{ events: number; snapshots: number }>;
  /**
   * Claims a run for `owner` for `ttlMs`. Returns undefined when another live owner holds it.
   * An expired lease (owner died) can be taken over. The same owner acquiring again renews.
   * (DexieStore on Web Locks: a lease lasts until `release()` or until its tab/worker ends,
   * which frees it at once; `ttlMs` only sets `expiresAt` there.)
   */
  acquireLease(runId: string, owner: string, ttlMs: number): Promise<RunLease | undefined>;
  /** Live changes (this process; DexieStore also across tabs). Returns an unsubscribe function. */
  watch(target: string | 'all', listener: (change: StoreChange) => void): () => void;
  close(): Promise<void>;
}
