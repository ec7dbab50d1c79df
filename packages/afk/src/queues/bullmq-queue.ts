import type { Job, Queue, Worker } from 'bullmq';
import { z } from 'zod';
import {
  AfkConfigError,
  AfkError,
  AfkUnsupportedError,
  formatIssues,
  fromZodIssues,
} from '../errors/index.js';
import type { JSONValue } from '../internal/json.js';
import {
  type ConsumeOptions,
  type QueueBackend,
  type TaskConsumer,
  type TaskListFilter,
  TaskStopReason,
} from './backend.js';
import { backoffDelay } from './backoff.js';
import { attemptRunId, type NewTask, type TaskError, type TaskItem, type TaskStatus } from './task.js';

/**
 * Where Redis is: ioredis-style options (`{ host, port, password, db, tls }`) or a client
 * instance (ioredis), exactly as BullMQ's `connection`.
 */
export type BullMQConnection = { host?: string; port?: number; [option: string]: unknown } | object;

/**
 * Options of `bullmqQueue`. Defaults: name 'afk-tasks', lockDurationMs 30_000 (a dead worker's
 * task is taken over after it), stalledIntervalMs = lockDurationMs, maxStalledCount 1000 (a
 * crash is not the task's fault: takeovers are not counted as failures).
 *
 * @example
 * new TaskQueue({ backend: bullmqQueue({ connection: { host: 'redis', port: 6379 }, name: 'agents' }) })
 */
export const BullMQQueueOptionsSchema = z
  .object({
    connection: z.custom<BullMQConnection>((v) => typeof v === 'object' && v !== null, 'must be an object'),
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, _ . or -')
      .default('afk-tasks'),
    prefix: z.string().min(1).optional(),
    lockDurationMs: z.number().int().positive().default(30_000),
    stalledIntervalMs: z.number().int().positive().optional(),
    maxStalledCount: z.number().int().nonnegative().default(1000),
  })
  .strict();
export type BullMQQueueOptions = z.input<typeof BullMQQueueOptionsSchema>;
type Options = z.output<typeof BullMQQueueOptionsSchema>;

/** What a BullMQ job carries: the task (minus its id, the job id) and AFK's bookkeeping. */
interface JobData {
  task: Omit<NewTask, 'id'>;
  redriveCount: number;
  cancelledAt?: number;
  lastError?: TaskError;
}
/** The job's return value: a result, or the marker of a task cancelled before it ran. */
type JobResult = { result: JSONValue } | { cancelled: true };

type BullMQ = typeof import('bullmq');
let bullmq: Promise<BullMQ> | undefined;
function loadBullMQ(): Promise<BullMQ> {
  bullmq ??= import('bullmq').catch((e: unknown) => {
    bullmq = undefined;
    throw new AfkUnsupportedError(
      'bullmqQueue needs the `bullmq` and `ioredis` packages: npm i bullmq ioredis',
      {
        cause: e,
      },
    );
  });
  return bullmq;
}

function statusOf(job: Job, state: string): TaskStatus | undefined {
  const data = job.data as JobData;
  switch (state) {
    case 'active':
      return 'running';
    case 'completed':
      return (job.returnvalue as JobResult | null) && 'cancelled' in (job.returnvalue as object)
        ? 'cancelled'
        : 'completed';
    case 'failed':
      return 'failed';
    case 'waiting':
    case 'wait':
    case 'prioritized':
    case 'delayed':
    case 'paused':
      if (data.cancelledAt !== undefined) return 'cancelled';
      return job.attemptsMade > 0 ? 'retrying' : 'pending';
    default:
      return undefined;
  }
}

function toItem(job: Job, state: string): TaskItem | undefined {
  const status = statusOf(job, state);
  if (!status || job.id === undefined) return undefined;
  const data = job.data as JobData;
  const t = data.task;
  // attemptsMade counts finished attempts (failed ones, and the final one): while a task waits
  // or runs it equals the retries scheduled so far.
  const finished = status === 'failed' || (status === 'completed' && state === 'completed');
  const retryCount = finished ? Math.max(0, job.attemptsMade - 1) : job.attemptsMade;
  const item = {
    ...t,
    id: job.id,
    status,
    retryCount,
    attempts: job.attemptsStarted,
    redriveCount: data.redriveCount,
  } as TaskItem;
  if (job.processedOn) item.startedAt = job.processedOn;
  const rv = job.returnvalue as JobResult | null;
  if (status === 'completed' && rv && 'result' in rv) item.result = rv.result;
  if (status === 'completed' || status === 'failed') item.completedAt = job.finishedOn ?? Date.now();
  if (status === 'cancelled') item.completedAt = data.cancelledAt ?? job.finishedOn ?? Date.now();
  if ((status === 'failed' || status === 'retrying') && (data.lastError || job.failedReason))
    item.error = data.lastError ?? { code: 'task_failed', message: job.failedReason };
  if (status === 'retrying' && state === 'delayed') item.nextAttemptAt = job.timestamp + job.delay;
  // The AFK run of the current/last attempt (a retrying task's last run had one retry fewer).
  if (item.kind === 'agent' && job.attemptsStarted > 0 && status !== 'pending' && status !== 'cancelled')
    item.runId = attemptRunId({
      id: item.id,
      redriveCount: data.redriveCount,
      retryCount: status === 'retrying' ? retryCount - 1 : retryCount,
    });
  return structuredClone(item);
}

const STATES_OF: Record<
  TaskStatus,
  Array<'waiting' | 'prioritized' | 'delayed' | 'active' | 'completed' | 'failed'>
> = {
  pending: ['waiting', 'prioritized', 'delayed'],
  retrying: ['waiting', 'prioritized', 'delayed'],
  cancelled: ['waiting', 'prioritized', 'delayed', 'completed'],
  running: ['active'],
  completed: ['completed'],
  failed: ['failed'],
};

/**
 * The BullMQ backend: tasks are BullMQ jobs on Redis, so any number of Node workers on any
 * number of machines drain one queue. BullMQ delivers each job at least once (a job whose
 * worker died is taken over once its lock expires); AFK makes that safe: a task's attempt is an
 * AFK run with a fixed run id, so with a shared store (`PostgresStore`) the new worker resumes
 * the run from its journal and no side-effecting tool runs twice. Retries use BullMQ's delayed
 * jobs with AFK's backoff; dead letters are BullMQ's failed jobs. Needs `bullmq` and `ioredis`.
 *
 * Cancelling a running BullMQ task is not supported (cancel its run instead).
 *
 * @example
 * const queue = new TaskQueue({ backend: bullmqQueue({ connection: { host: '127.0.0.1', port: 6379 } }) });
 * new TaskWorker({ queue, agents: { triage }, store: pgStore, concurrency: 8 }).start();
 */
export function bullmqQueue(options: BullMQQueueOptions): QueueBackend {
  const parsed = BullMQQueueOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = fromZodIssues(parsed.error.issues);
    throw new AfkConfigError('invalid_config', `Invalid bullmqQueue options:\n${formatIssues(issues)}`, {
      issues,
    });
  }
  return new BullMQBackend(parsed.data);
}

class BullMQBackend implements QueueBackend {
  readonly kind = 'bullmq';
  private queue: Promise<Queue> | undefined;
  private readonly consumers = new Set<BullMQConsumer>();

  constructor(private readonly opts: Options) {}

  private base() {
    return {
      connection: this.opts.connection as never,
      ...(this.opts.prefix ? { prefix: this.opts.prefix } : {}),
    };
  }

  private getQueue(): Promise<Queue> {
    this.queue ??= loadBullMQ().then((m) => new m.Queue(this.opts.name, this.base()));
    return this.queue;
  }

  private async job(id: string): Promise<Job> {
    const job = (await (await this.getQueue()).getJob(id)) as Job | undefined;
    if (!job) throw new AfkError('not_found', `no task ${id} in this queue`);
    return job;
  }

  async enqueue(task: NewTask): Promise<TaskItem> {
    const { id, ...rest } = task;
    const queue = await this.getQueue();
    if (await queue.getJob(id)) throw new AfkError('invalid_argument', `task ${id} already exists`);
    const data: JobData = { task: rest, redriveCount: 0 };
    const job = (await queue.add(task.kind, data, {
      jobId: id,
      attempts: task.maxRetries + 1,
      backoff: { type: 'afk' },
      removeOnComplete: false,
      removeOnFail: false,
    })) as Job;
    return toItem(job, 'waiting')!;
  }

  async get(id: string): Promise<TaskItem | undefined> {
    const job = (await (await this.getQueue()).getJob(id)) as Job | undefined;
    return job && toItem(job, await job.getState());
  }

  async list(filter: TaskListFilter = {}): Promise<TaskItem[]> {
    const limit = filter.limit ?? 1000;
    const queue = await this.getQueue();
    const states = filter.status
      ? STATES_OF[filter.status]
      : (['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'] as const);
    const out: TaskItem[] = [];
    for (const state of states) {
      const jobs = (await queue.getJobs([state], 0, -1, true)) as Job[];
      for (const job of jobs) {
        const item = toItem(job, state === 'waiting' ? 'waiting' : state);
        if (item && (!filter.status || item.status === filter.status)) out.push(item);
      }
    }
    return out.sort((a, b) => a.createdAt - b.createdAt).slice(0, limit);
  }

  async cancel(id: string): Promise<TaskItem> {
    const job = await this.job(id);
    const state = await job.getState();
    const item = toItem(job, state);
    if (!item) throw new AfkError('not_found', `no task ${id} in this queue`);
    if (item.status === 'running')
      throw new AfkUnsupportedError(`task ${id} is running; bullmqQueue cannot cancel a running task`);
    if (item.status !== 'pending' && item.status !== 'retrying') return item;
    await job.updateData({ ...(job.data as JobData), cancelledAt: Date.now() });
    // A worker that claimed it meanwhile runs it (its state says so); otherwise it is cancelled.
    return (await this.get(id))!;
  }

  async listDeadLetters(limit = 1000): Promise<TaskItem[]> {
    return this.list({ status: 'failed', limit });
  }

  async redrive(id: string): Promise<TaskItem> {
    const job = await this.job(id);
    if ((await job.getState()) !== 'failed')
      throw new AfkError(
        'invalid_argument',
        `task ${id} is not a dead letter; only dead letters can be redriven`,
      );
    const { lastError: _e, ...data } = job.data as JobData;
    await job.updateData({ ...data, redriveCount: data.redriveCount + 1 });
    await job.retry('failed', { resetAttemptsMade: true });
    return (await this.get(id))!;
  }

  async purge(ids?: string[]): Promise<number> {
    const queue = await this.getQueue();
    if (!ids) return (await queue.clean(0, 0, 'failed')).length;
    let n = 0;
    for (const id of ids) {
      const job = (await queue.getJob(id)) as Job | undefined;
      if (job && (await job.getState()) === 'failed') {
        await job.remove();
        n++;
      }
    }
    return n;
  }

  consume(opts: ConsumeOptions): TaskConsumer {
    const consumer = new BullMQConsumer(this.opts, this.base(), opts);
    this.consumers.add(consumer);
    void consumer.closed.then(() => this.consumers.delete(consumer));
    return consumer;
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop({ handBack: true })));
    if (this.queue) await (await this.queue).close();
    this.queue = undefined;
  }
}

/** One BullMQ `Worker`: runs attempts, turns outcomes into BullMQ moves. */
class BullMQConsumer implements TaskConsumer {
  private readonly running = new Map<string, AbortController>();
  private readonly worker: Promise<Worker>;
  private stopping: Promise<void> | undefined;
  private handingBack = false;
  private resolveClosed!: () => void;
  readonly closed = new Promise<void>((r) => (this.resolveClosed = r));

  constructor(
    options: Options,
    base: { connection: never; prefix?: string },
    private readonly opts: ConsumeOptions,
  ) {
    this.worker = loadBullMQ().then((m) => {
      const worker = new m.Worker(options.name, (job, token) => this.process(m, job as Job, token), {
        ...base,
        concurrency: opts.concurrency,
        lockDuration: options.lockDurationMs,
        stalledInterval: options.stalledIntervalMs ?? options.lockDurationMs,
        maxStalledCount: options.maxStalledCount,
        settings: {
          backoffStrategy: (attemptsMade: number, _type?: string, _err?: Error, job?: { data: unknown }) =>
            job ? backoffDelay((job.data as JobData).task.backoff, attemptsMade) : 0,
        },
      });
      worker.on('completed', (job) => this.report(job as Job, 'completed'));
      worker.on('failed', (job) => {
        if (job) void this.reportFailure(job as Job);
      });
      // Connection errors are retried by BullMQ; without a listener Node would throw them.
      worker.on('error', () => undefined);
      return worker;
    });
  }

  private async process(m: BullMQ, job: Job, token: string | undefined): Promise<JobResult> {
    const data = job.data as JobData;
    if (data.cancelledAt !== undefined) return { cancelled: true };
    const task = toItem(job, 'active')!;
    const controller = new AbortController();
    this.running.set(task.id, controller);
    if (this.handingBack) controller.abort(new TaskStopReason('handed_back'));
    this.opts.onTransition(task, 'started');
    try {
      const outcome = await this.opts.execute({ task, signal: controller.signal });
      if (outcome.kind === 'completed') return { result: outcome.result };
      if (outcome.kind === 'handed_back') {
        await job.moveToWait(token);
        this.opts.onTransition(
          { ...task, status: task.retryCount > 0 ? 'retrying' : 'pending' },
          'handed_back',
        );
        throw new m.WaitingError();
      }
      await job.updateData({ ...data, lastError: outcome.error });
      throw outcome.retryable
        ? new Error(outcome.error.message)
        : new m.UnrecoverableError(outcome.error.message);
    } finally {
      this.running.delete(task.id);
    }
  }

  private report(job: Job, transition: 'completed' | 'retrying' | 'failed'): void {
    const state = transition === 'completed' ? 'completed' : transition === 'failed' ? 'failed' : 'delayed';
    const item = toItem(job, state);
    if (item && item.status !== 'cancelled') this.opts.onTransition(item, transition);
  }

  private async reportFailure(job: Job): Promise<void> {
    try {
      const state = await job.getState();
      this.report(job, state === 'failed' ? 'failed' : 'retrying');
    } catch {
      // Redis unreachable: the task's state is still right, only this notification is lost.
    }
  }

  handBackAll(): void {
    this.handingBack = true;
    for (const c of this.running.values()) c.abort(new TaskStopReason('handed_back'));
  }

  stop(opts: { handBack: boolean }): Promise<void> {
    this.stopping ??= (async () => {
      if (opts.handBack) this.handBackAll();
      const worker = await this.worker;
      await worker.close();
      this.resolveClosed();
    })();
    if (opts.handBack) this.handBackAll();
    return this.stopping;
  }
}
