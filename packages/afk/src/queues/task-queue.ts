import { AfkConfigError } from '../errors/index.js';
import { newId } from '../internal/ids.js';
import type { QueueBackend, TaskListFilter } from './backend.js';
import { memoryQueue } from './memory-queue.js';
import { type EnqueueInput, parseEnqueueInput, type TaskItem } from './task.js';

/** The constructor options of `TaskQueue`. */
export interface TaskQueueOptions {
  /** `'memory'` (default), `dexieQueue({ name })` or `bullmqQueue({ connection, name })`. */
  backend?: 'memory' | QueueBackend;
}

function isBackend(v: unknown): v is QueueBackend {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as QueueBackend).enqueue === 'function' &&
    typeof (v as QueueBackend).consume === 'function'
  );
}

/**
 * A durable list of agent and handler tasks, drained by `TaskWorker`s. The backend decides
 * where tasks live: in memory, in IndexedDB (`dexieQueue`, one tab executes each task), or on
 * Redis through BullMQ (`bullmqQueue`, many Node workers on many machines).
 *
 * @example
 * const queue = new TaskQueue({ backend: 'memory' });
 * const task = await queue.enqueue({ agentName: 'triage', payload: { userMessage: 'Sort my inbox' } });
 * new TaskWorker({ queue, agents: { triage }, concurrency: 2 }).start();
 */
export class TaskQueue {
  readonly backend: QueueBackend;

  constructor(options: TaskQueueOptions = {}) {
    const b = options.backend ?? 'memory';
    if (b === 'memory') this.backend = memoryQueue();
    else if (isBackend(b)) this.backend = b;
    else
      throw new AfkConfigError('invalid_config', "TaskQueue: backend must be 'memory' or a queue backend", {
        issues: [{ path: ['backend'], message: "must be 'memory', dexieQueue(...) or bullmqQueue(...)" }],
      });
  }

  /** Adds a task (status `pending`). Throws `AfkConfigError` (code `invalid_argument`) on bad input. */
  async enqueue(input: EnqueueInput): Promise<TaskItem> {
    return this.backend.enqueue(parseEnqueueInput(input, newId('task'), Date.now()));
  }

  get(id: string): Promise<TaskItem | undefined> {
    return this.backend.get(id);
  }

  list(filter?: TaskListFilter): Promise<TaskItem[]> {
    return this.backend.list(filter);
  }

  /** Cancels a task that has not finished; a finished task is returned unchanged. */
  cancel(id: string): Promise<TaskItem> {
    return this.backend.cancel(id);
  }

  /** Tasks that failed for good (retries exhausted, or an unknown agent/handler). */
  listDeadLetters(limit?: number): Promise<TaskItem[]> {
    return this.backend.listDeadLetters(limit);
  }

  /** Sends a dead letter back to the queue (`pending`, retries reset); its next run is a new AFK run. */
  redrive(id: string): Promise<TaskItem> {
    return this.backend.redrive(id);
  }

  /** Deletes dead letters: all of them, or the given ids. Returns how many were deleted. */
  purge(ids?: string[]): Promise<number> {
    return this.backend.purge(ids);
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}
