import { z } from 'zod';
import { AfkConfigError, formatIssues, fromZodIssues } from '../errors/index.js';
import type { QueueBackend } from './backend.js';
import { LedgerBackend } from './ledger-backend.js';
import { MemoryTaskTable } from './memory-table.js';

/**
 * Options of `memoryQueue`. Defaults: leaseTtlMs 30_000, pollIntervalMs 1000.
 *
 * @example
 * new TaskQueue({ backend: memoryQueue({ leaseTtlMs: 5_000 }) })
 */
export const MemoryQueueOptionsSchema = z
  .object({
    /** How long a claim lasts without renewal (a stuck worker's task is taken over after it). */
    leaseTtlMs: z.number().int().positive().default(30_000),
    /** Idle safety-net poll; enqueues and due retries wake workers earlier. */
    pollIntervalMs: z.number().int().positive().default(1000),
  })
  .strict();
export type MemoryQueueOptions = z.input<typeof MemoryQueueOptionsSchema>;

/**
 * The in-process backend (`backend: 'memory'` is `memoryQueue()`): tasks live in this process
 * only and are lost when it ends. For tests, scripts and one-process apps.
 *
 * @example
 * const queue = new TaskQueue({ backend: memoryQueue() });
 */
export function memoryQueue(options: MemoryQueueOptions = {}): QueueBackend {
  const parsed = MemoryQueueOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = fromZodIssues(parsed.error.issues);
    throw new AfkConfigError('invalid_config', `Invalid memoryQueue options:\n${formatIssues(issues)}`, {
      issues,
    });
  }
  return new LedgerBackend('memory', new MemoryTaskTable(), parsed.data);
}
