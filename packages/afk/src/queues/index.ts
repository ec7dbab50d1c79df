export type {
  AttemptOutcome,
  ConsumeOptions,
  QueueBackend,
  TaskAttempt,
  TaskConsumer,
  TaskListFilter,
  TaskTransition,
} from './backend.js';
export { TaskStopReason } from './backend.js';
export { backoffDelay } from './backoff.js';
export {
  type BullMQConnection,
  type BullMQQueueOptions,
  BullMQQueueOptionsSchema,
  bullmqQueue,
} from './bullmq-queue.js';
export { type DexieQueueOptions, DexieQueueOptionsSchema, dexieQueue } from './dexie-queue.js';
export { type MemoryQueueOptions, MemoryQueueOptionsSchema, memoryQueue } from './memory-queue.js';
export {
  type AgentTaskItem,
  type AgentTaskPayload,
  AgentTaskPayloadSchema,
  type BackoffPolicy,
  type BackoffPolicyInput,
  BackoffPolicySchema,
  DEFAULT_MAX_RETRIES,
  type EnqueueInput,
  EnqueueInputSchema,
  type HandlerTaskItem,
  type NewTask,
  type TaskError,
  type TaskItem,
  type TaskStatus,
  TERMINAL_STATUSES,
} from './task.js';
export type { TaskHandler, TaskHandlerContext } from './task-execution.js';
export { TaskQueue, type TaskQueueOptions } from './task-queue.js';
export {
  type TaskCallback,
  TaskWorker,
  type TaskWorkerOptions,
  TaskWorkerOptionsSchema,
} from './task-worker.js';
