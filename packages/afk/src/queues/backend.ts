import type { JSONValue } from '../internal/json.js';
import type { NewTask, TaskError, TaskItem, TaskStatus } from './task.js';

/** Why an attempt's signal was aborted (its `reason`). */
export class TaskStopReason extends Error {
  override name = 'TaskStopReason';
  constructor(readonly kind: 'cancelled' | 'handed_back' | 'claim_lost') {
    super(`task attempt stopped: ${kind}`);
  }
}

/** One attempt a consumer hands to the worker. */
export interface TaskAttempt {
  /** The task as claimed (status `running`). */
  readonly task: TaskItem;
  /**
   * Aborted when the attempt must stop early: the worker hands it back at shutdown, the task
   * was cancelled, or this worker lost its claim. The executor then answers `handed_back`.
   */
  readonly signal: AbortSignal;
}

/** How an attempt ended, as the worker reports it to the backend. */
export type AttemptOutcome =
  | { kind: 'completed'; result: JSONValue }
  /** `retryable: false` dead-letters at once (unknown agent or handler). */
  | { kind: 'failed'; error: TaskError; retryable: boolean }
  /** Stopped before the end (shutdown): back to the queue, not counted as a failure. */
  | { kind: 'handed_back' };

/** What happened to a task, reported after the change is durable. */
export type TaskTransition = 'started' | 'completed' | 'retrying' | 'failed' | 'handed_back';

export interface ConsumeOptions {
  /** Attempts executed at once by this consumer (≥ 1). */
  concurrency: number;
  execute(attempt: TaskAttempt): Promise<AttemptOutcome>;
  /** Called after each durable transition of a task this consumer works on; must not throw. */
  onTransition(task: TaskItem, transition: TaskTransition): void;
}

/** A running consumer of a backend (one per `TaskWorker.start()`). */
export interface TaskConsumer {
  /**
   * Stops claiming new tasks. With `handBack`, running attempts are aborted and returned to the
   * queue; without, they run to their end. Resolves when none is running.
   */
  stop(opts: { handBack: boolean }): Promise<void>;
  /** Aborts the running attempts (hand-back) without waiting; `stop` still resolves after them. */
  handBackAll(): void;
}

export interface TaskListFilter {
  status?: TaskStatus;
  limit?: number;
}

/**
 * Where tasks live and how they are claimed: `'memory'`, `dexieQueue(...)`, `bullmqQueue(...)`.
 * A backend enforces the task state machine (claims, leases, retries, dead letters); the
 * worker only executes attempts and reports their outcome.
 */
export interface QueueBackend {
  readonly kind: string;
  enqueue(task: NewTask): Promise<TaskItem>;
  get(id: string): Promise<TaskItem | undefined>;
  list(filter?: TaskListFilter): Promise<TaskItem[]>;
  /** Cancels a pending, retrying or running task; a terminal task is returned unchanged. */
  cancel(id: string): Promise<TaskItem>;
  listDeadLetters(limit?: number): Promise<TaskItem[]>;
  /** Moves a dead letter back to `pending` with its retries reset. */
  redrive(id: string): Promise<TaskItem>;
  /** Deletes dead letters (all, or the given ids); returns how many. */
  purge(ids?: string[]): Promise<number>;
  consume(opts: ConsumeOptions): TaskConsumer;
  close(): Promise<void>;
}
