import { z } from 'zod';
import type { Agent } from '../agents/agent.js';
import { Runner } from '../core/index.js';
import { AfkConfigError, AfkError, formatIssues, fromZodIssues } from '../errors/index.js';
import type { MemoryStore } from '../memory/index.js';
import type { TaskConsumer, TaskTransition } from './backend.js';
import type { TaskItem } from './task.js';
import { executeAttempt, type TaskHandler } from './task-execution.js';
import type { TaskQueue } from './task-queue.js';

/** A worker callback; its errors (thrown or rejected) are reported, never change the task. */
export type TaskCallback = (task: TaskItem) => void | Promise<void>;

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');

/**
 * Options of `TaskWorker`. Defaults: concurrency 1, shutdownTimeoutMs 30_000, a `Runner` on
 * `store` (default a fresh `InMemoryStore`).
 *
 * @example
 * new TaskWorker({ queue, agents: { triage }, handlers: { sendDigest }, concurrency: 4,
 *   store: new DexieStore({ name: 'app' }), onFailed: (t) => alert(t.error?.message) });
 */
export const TaskWorkerOptionsSchema = z
  .object({
    queue: z.custom<TaskQueue>(
      (v) => typeof v === 'object' && v !== null && typeof (v as TaskQueue).enqueue === 'function',
      'must be a TaskQueue',
    ),
    agents: z
      .record(
        z.string(),
        z.custom<Agent>((v) => typeof v === 'object' && v !== null && 'name' in v, 'must be an Agent'),
      )
      .default({}),
    handlers: z.record(z.string(), fn).default({}),
    concurrency: z.number().int().positive().max(1000).default(1),
    /** The runner of agent tasks (its store holds their runs). Default: `new Runner({ store })`. */
    runner: z
      .custom<Runner>(
        (v) =>
          typeof v === 'object' &&
          v !== null &&
          typeof (v as Runner).runStream === 'function' &&
          'store' in v,
        'must be a Runner',
      )
      .optional(),
    /** Where agent tasks' runs are stored when no `runner` is given. */
    store: z
      .custom<MemoryStore>(
        (v) => typeof v === 'object' && v !== null && typeof (v as MemoryStore).write === 'function',
        'must implement MemoryStore',
      )
      .optional(),
    /** How long `stop()` lets running tasks finish before handing them back to the queue. */
    shutdownTimeoutMs: z.number().nonnegative().default(30_000),
    onStarted: fn.optional(),
    onCompleted: fn.optional(),
    onRetrying: fn.optional(),
    /** A task failed for good (now a dead letter). */
    onFailed: fn.optional(),
    /** A running task was handed back to the queue at shutdown. */
    onHandedBack: fn.optional(),
    /** Receives errors thrown by the callbacks above (default: `console.warn`). */
    onCallbackError: fn.optional(),
  })
  .strict();

export interface TaskWorkerOptions {
  queue: TaskQueue;
  agents?: Record<string, Agent>;
  handlers?: Record<string, TaskHandler>;
  concurrency?: number;
  runner?: Runner;
  store?: MemoryStore;
  shutdownTimeoutMs?: number;
  onStarted?: TaskCallback;
  onCompleted?: TaskCallback;
  onRetrying?: TaskCallback;
  onFailed?: TaskCallback;
  onHandedBack?: TaskCallback;
  onCallbackError?: (error: unknown, task: TaskItem) => void;
}

const CALLBACK: Record<TaskTransition, keyof TaskWorkerOptions> = {
  started: 'onStarted',
  completed: 'onCompleted',
  retrying: 'onRetrying',
  failed: 'onFailed',
  handed_back: 'onHandedBack',
};

/**
 * Drains a `TaskQueue`: claims up to `concurrency` tasks at once, runs each agent task as an AFK
 * run through its `Runner` (or calls the named handler), and reports the outcome to the backend,
 * which retries with backoff or dead-letters. `stop()` is graceful: running tasks finish (up to
 * `shutdownTimeoutMs`), the rest are handed back to the queue for another worker.
 *
 * @example
 * const worker = new TaskWorker({ queue, agents: { triage }, concurrency: 2 });
 * worker.start();
 * // ...
 * await worker.stop();
 */
export class TaskWorker {
  readonly queue: TaskQueue;
  readonly runner: Runner;
  readonly concurrency: number;
  private readonly options: TaskWorkerOptions;
  private readonly agents: Readonly<Record<string, Agent>>;
  private readonly handlers: Readonly<Record<string, TaskHandler>>;
  private readonly shutdownTimeoutMs: number;
  private consumer: TaskConsumer | undefined;
  private stopping: Promise<void> | undefined;

  constructor(options: TaskWorkerOptions) {
    const parsed = TaskWorkerOptionsSchema.safeParse(options);
    if (!parsed.success) {
      const issues = fromZodIssues(parsed.error.issues);
      throw new AfkConfigError('invalid_config', `Invalid TaskWorker options:\n${formatIssues(issues)}`, {
        issues,
      });
    }
    if (options.runner && options.store)
      throw new AfkConfigError('invalid_config', 'TaskWorker: pass either runner or store, not both', {
        issues: [{ path: ['store'], message: 'the runner already has a store' }],
      });
    this.options = options;
    this.queue = options.queue;
    this.agents = { ...(options.agents ?? {}) };
    this.handlers = { ...(options.handlers ?? {}) };
    this.concurrency = parsed.data.concurrency;
    this.shutdownTimeoutMs = parsed.data.shutdownTimeoutMs;
    this.runner = options.runner ?? new Runner(options.store ? { store: options.store } : {});
  }

  /** True between `start()` and the end of `stop()`. */
  get running(): boolean {
    return this.consumer !== undefined;
  }

  /** Starts claiming tasks. Throws when already started. */
  start(): void {
    if (this.consumer) throw new AfkError('invalid_argument', 'TaskWorker already started');
    this.stopping = undefined;
    this.consumer = this.queue.backend.consume({
      concurrency: this.concurrency,
      execute: (attempt) =>
        executeAttempt(attempt, { runner: this.runner, agents: this.agents, handlers: this.handlers }),
      onTransition: (task, transition) => this.notify(task, transition),
    });
  }

  /**
   * Stops claiming, lets running tasks finish for up to `timeoutMs` (default the worker's
   * `shutdownTimeoutMs`; `handBack: true` means 0), then hands the rest back to the queue: their
   * runs are interrupted at a step boundary and resumed by whichever worker claims them next.
   */
  stop(opts: { timeoutMs?: number; handBack?: boolean } = {}): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return Promise.resolve();
    if (this.stopping) return this.stopping;
    const timeoutMs = opts.handBack ? 0 : (opts.timeoutMs ?? this.shutdownTimeoutMs);
    const stopped = consumer.stop({ handBack: timeoutMs === 0 });
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (timeoutMs > 0 && Number.isFinite(timeoutMs))
      timer = setTimeout(() => consumer.handBackAll(), timeoutMs);
    this.stopping = stopped.finally(() => {
      if (timer !== undefined) clearTimeout(timer);
      this.consumer = undefined;
    });
    return this.stopping;
  }

  private notify(task: TaskItem, transition: TaskTransition): void {
    const cb = this.options[CALLBACK[transition]] as TaskCallback | undefined;
    if (!cb) return;
    const report = (e: unknown) => {
      const sink = this.options.onCallbackError;
      if (sink) {
        try {
          sink(e, task);
        } catch {
          // A failing error sink must not break the worker either.
        }
      } else console.warn(`[afk/queues] ${CALLBACK[transition]} threw for task ${task.id}:`, e);
    };
    try {
      const out = cb(structuredClone(task));
      if (out && typeof (out as Promise<void>).then === 'function') (out as Promise<void>).catch(report);
    } catch (e) {
      report(e);
    }
  }
}
