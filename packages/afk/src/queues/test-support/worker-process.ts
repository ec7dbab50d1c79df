/**
 * The setup the queue fault-test worker processes share (`bullmq-worker-process.ts`,
 * `pg-restart-worker.ts`): their environment, the evidence files they count side effects with,
 * progress messages to the parent over IPC, the BullMQ queue they drain, and a graceful SIGTERM.
 */
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bullmqQueue } from '../bullmq-queue.js';
import { TaskQueue, type TaskWorker } from '../index.js';

/** A required environment variable of the worker process. */
export function env(key: string): string {
  const v = process.env[key];
  if (!v) throw new Error(`missing env ${key}`);
  return v;
}

/** EVIDENCE_DIR: where the parent counts what happened (outside any store a fault takes down). */
export const evidenceDir = (): string => env('EVIDENCE_DIR');

/** Creates `path` exclusively; false when it already existed. */
export function createOnce(path: string): boolean {
  try {
    closeSync(openSync(path, 'wx'));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/**
 * Records one occurrence of `key` in `<dir>/<kind>/<key>`; a repeat leaves
 * `<dir>/<repeatKind>/<key>__<pid>_<time>` instead, for the parent to find.
 */
export function recordOnce(dir: string, kind: string, repeatKind: string, key: string): void {
  if (!createOnce(join(dir, kind, key)))
    writeFileSync(join(dir, repeatKind, `${key}__${process.pid}_${Date.now()}`), '');
}

/** A progress message to the parent, which kills or faults the worker on it. */
export interface WorkerProgress {
  /** A task claimed, a charge made (its result not durable yet), an attempt failed and retried. */
  type: 'started' | 'effect' | 'retrying';
  key: string;
}

/** Tells the parent (over IPC) where this worker is; dropped when the parent is gone. */
export function tell(msg: WorkerProgress): void {
  if (process.connected) process.send?.(msg, undefined, undefined, () => undefined);
}

/** The queue named QUEUE_NAME on the Redis server at 127.0.0.1:REDIS_PORT. */
export function bullmqTaskQueue(lock: { lockDurationMs: number; stalledIntervalMs: number }): TaskQueue {
  return new TaskQueue({
    backend: bullmqQueue({
      connection: { host: '127.0.0.1', port: Number(env('REDIS_PORT')) },
      name: env('QUEUE_NAME'),
      ...lock,
    }),
  });
}

/** On SIGTERM: stop the worker handing its tasks back, close the queue (and `close`), exit 0. */
export function stopOnSigterm(worker: TaskWorker, queue: TaskQueue, close?: () => Promise<void>): void {
  process.on('SIGTERM', () => {
    void worker
      .stop({ handBack: true })
      .then(() => queue.close())
      .then(() => close?.())
      .finally(() => process.exit(0));
  });
}
