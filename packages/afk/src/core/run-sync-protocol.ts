// Messages between `runSync` (the blocked caller), its supervisor thread and the run thread.
import type { MessagePort } from 'node:worker_threads';
import type { AgentResult } from '../events/records.js';

/** What the run thread is asked to do. */
export interface SyncJob {
  moduleUrl: string;
  exportName: string;
  opts: Record<string, unknown>;
}

/** Caller → supervisor: one call. `shared` is the caller's wake-up flag, `port` its reply port. */
export interface SyncRequest {
  type: 'run';
  job: SyncJob;
  shared: SharedArrayBuffer;
  port: MessagePort;
}

/** The outcome of one call, posted on the caller's reply port. */
export type SyncReply =
  | { ok: true; result: AgentResult }
  | { ok: false; error: { code: string; message: string; name: string } };

/** Run thread → supervisor. `budget` is the agent's wall-time limit, known once its module loaded. */
export type RunThreadMessage = { type: 'budget'; ms: number } | { type: 'reply'; reply: SyncReply };
