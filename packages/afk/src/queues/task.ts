import { z } from 'zod';
import { AfkConfigError, formatIssues, fromZodIssues } from '../errors/index.js';
import { type JSONValue, JSONValueSchema } from '../internal/json.js';

/**
 * Where a task is in its life. `pending` → `running` → `completed`; a failed attempt goes to
 * `retrying` (waiting for its backoff) while retries remain, else to `failed` (a dead letter).
 * `cancelled` is set by `queue.cancel`. `completed`, `failed` and `cancelled` are terminal: no
 * worker moves a task out of them; only an explicit `redrive` reopens a dead letter.
 */
export type TaskStatus = 'pending' | 'running' | 'completed' | 'failed' | 'retrying' | 'cancelled';

/** The states no worker leaves. */
export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set(['completed', 'failed', 'cancelled']);

/**
 * Exponential backoff with jitter between attempts: the n-th retry waits
 * `min(maxDelayMs, baseDelayMs * factor^(n-1))`, of which a random share `jitter` (0..1) is
 * removed. Defaults: baseDelayMs 1000, factor 2, maxDelayMs 60_000, jitter 0.5.
 *
 * @example
 * queue.enqueue({ agentName: 'triage', payload: { userMessage: 'hi' }, maxRetries: 5,
 *   backoff: { baseDelayMs: 200, maxDelayMs: 5_000 } });
 */
export const BackoffPolicySchema = z
  .object({
    baseDelayMs: z.number().nonnegative().default(1000),
    factor: z.number().min(1).default(2),
    maxDelayMs: z.number().nonnegative().default(60_000),
    jitter: z.number().min(0).max(1).default(0.5),
  })
  .strict();
export type BackoffPolicy = z.output<typeof BackoffPolicySchema>;
export type BackoffPolicyInput = z.input<typeof BackoffPolicySchema>;

/** What an agent task asks: run this agent with this message (on this thread, with this context). */
export const AgentTaskPayloadSchema = z
  .object({
    userMessage: z.string(),
    threadId: z.string().min(1).optional(),
    context: z.record(z.string(), JSONValueSchema).optional(),
  })
  .strict();
export type AgentTaskPayload = z.output<typeof AgentTaskPayloadSchema>;

const RetryFields = {
  /** Retries after the first failed attempt (default 3). */
  maxRetries: z.number().int().nonnegative().max(1000).optional(),
  backoff: BackoffPolicySchema.partial().optional(),
  /** Use a known task id (idempotent enqueue is the caller's business). Default: generated. */
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/, 'letters, digits, _ or -, at most 128')
    .optional(),
};

/**
 * What `queue.enqueue` takes: an agent task (`agentName` + `payload.userMessage`) or a handler
 * task (`handler` + any JSON `payload`), each with its own retry policy.
 *
 * @example
 * await queue.enqueue({ agentName: 'triage', payload: { userMessage: 'Sort my inbox' }, maxRetries: 2 });
 * await queue.enqueue({ handler: 'sendDigest', payload: { userId: 'u1' } });
 */
export const AgentEnqueueInputSchema = z
  .object({ agentName: z.string().min(1), payload: AgentTaskPayloadSchema, ...RetryFields })
  .strict();
export const HandlerEnqueueInputSchema = z
  .object({ handler: z.string().min(1), payload: JSONValueSchema, ...RetryFields })
  .strict();
export const EnqueueInputSchema = z.union([AgentEnqueueInputSchema, HandlerEnqueueInputSchema]);
export type EnqueueInput = z.input<typeof EnqueueInputSchema>;

/** An error recorded on a task: data, not an exception. */
export interface TaskError {
  code: string;
  message: string;
}

interface TaskItemBase {
  id: string;
  status: TaskStatus;
  /** The last result (agent tasks: `{ runId, threadId, state, finalText }`). */
  result?: JSONValue;
  /** The last failed attempt's error (kept while `retrying`, and on a dead letter). */
  error?: TaskError;
  /** Retries scheduled so far (≤ maxRetries); reset by `redrive`. */
  retryCount: number;
  maxRetries: number;
  backoff: BackoffPolicy;
  /** Attempts started, including ones taken over after a worker died. */
  attempts: number;
  /** Times this task was redriven out of the dead letters. */
  redriveCount: number;
  createdAt: number;
  /** When the current/last attempt started. */
  startedAt?: number;
  /** When the task reached a terminal state. */
  completedAt?: number;
  /** While `retrying`: when the next attempt becomes due. */
  nextAttemptAt?: number;
}

/** A task that runs an agent: its attempt is an AFK run (`runId`), visible in the devtools. */
export interface AgentTaskItem extends TaskItemBase {
  kind: 'agent';
  agentName: string;
  payload: AgentTaskPayload;
  /** The AFK run of the current/last attempt. */
  runId?: string;
}

/** A task that calls a handler registered on the worker with its JSON payload. */
export interface HandlerTaskItem extends TaskItemBase {
  kind: 'handler';
  handler: string;
  payload: JSONValue;
}

/**
 * A queued unit of work, as `enqueue`, `get` and the worker callbacks return it: a plain,
 * structured-clone-safe object (a copy — mutating it changes nothing).
 */
export type TaskItem = AgentTaskItem | HandlerTaskItem;

/** What a backend stores for a new task (ids, defaults and validation already applied). */
export type NewTask =
  | Pick<AgentTaskItem, 'id' | 'kind' | 'agentName' | 'payload' | 'maxRetries' | 'backoff' | 'createdAt'>
  | Pick<HandlerTaskItem, 'id' | 'kind' | 'handler' | 'payload' | 'maxRetries' | 'backoff' | 'createdAt'>;

export const DEFAULT_MAX_RETRIES = 3;

/** Validates an enqueue input once and fills the defaults; reports every issue at once. */
export function parseEnqueueInput(input: unknown, id: string, now: number): NewTask {
  // Pick the shape by its key, so the issues name fields instead of "no union member matched".
  const isHandler = typeof input === 'object' && input !== null && 'handler' in input;
  const parsed = (isHandler ? HandlerEnqueueInputSchema : AgentEnqueueInputSchema).safeParse(input);
  if (!parsed.success) {
    const issues = fromZodIssues(parsed.error.issues);
    throw new AfkConfigError('invalid_argument', `Invalid task:\n${formatIssues(issues)}`, { issues });
  }
  const v = parsed.data;
  const common = {
    id: v.id ?? id,
    maxRetries: v.maxRetries ?? DEFAULT_MAX_RETRIES,
    backoff: BackoffPolicySchema.parse(v.backoff ?? {}),
    createdAt: now,
  };
  if ('agentName' in v) return { ...common, kind: 'agent', agentName: v.agentName, payload: v.payload };
  return { ...common, kind: 'handler', handler: v.handler, payload: v.payload };
}

/** A fresh task row for a new task. */
export function newTaskItem(task: NewTask): TaskItem {
  return { ...task, status: 'pending', retryCount: 0, attempts: 0, redriveCount: 0 } as TaskItem;
}

/**
 * The AFK run id of an attempt: the same for a takeover after a crash (so the new worker resumes
 * the run from its journal instead of starting over), new for each retry and each redrive.
 */
export function attemptRunId(task: Pick<TaskItem, 'id' | 'redriveCount' | 'retryCount'>): string {
  return `taskrun_${task.id}_d${task.redriveCount}_r${task.retryCount}`;
}
