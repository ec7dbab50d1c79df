import type { AfkStorageError } from '../errors/index.js';
import type { RunStatus } from '../events/records.js';
import type { RunRecord } from './types.js';

/**
 * A run listing's filter (`DexieStore.scanRuns`): every field narrows, all are optional. Tested
 * on the raw rows before anything is validated, so a listing of the newest 500 of 10,000 runs
 * validates 500 rows.
 */
export interface RunScanFilter {
  /** Only runs of this thread. */
  threadId?: string;
  /** Only runs in one of these states. */
  status?: readonly RunStatus[];
  /** Only runs of this agent (exact name). */
  agentName?: string;
  /** Case-insensitive substring of the run id, thread id, agent name or first user message. */
  text?: string;
  /** Only runs without a parent (no subagent runs). Default `false`. */
  topLevel?: boolean;
  /** At most this many rows, newest first. Default: all. */
  limit?: number;
}

/** One row of a run listing: the validated record, or the error of a row that failed validation. */
export type RunScanRow = { runId: string; run: RunRecord } | { runId: string; error: AfkStorageError };

function field(row: unknown, name: string): unknown {
  return typeof row === 'object' && row !== null ? (row as Record<string, unknown>)[name] : undefined;
}

/** Whether a raw (unvalidated) run row passes `f`; a row whose fields are not strings fails only the tests that read them. */
export function rawRunMatches(row: unknown, f: RunScanFilter, text: string | undefined): boolean {
  if (f.topLevel && field(row, 'parentRunId') !== undefined) return false;
  if (f.threadId !== undefined && field(row, 'threadId') !== f.threadId) return false;
  if (f.agentName !== undefined && field(row, 'agentName') !== f.agentName) return false;
  if (f.status?.length && !f.status.includes(field(row, 'status') as RunStatus)) return false;
  if (text) {
    const hay = [
      field(row, 'runId'),
      field(row, 'threadId'),
      field(row, 'agentName'),
      field(field(row, 'summary'), 'input'),
    ];
    if (!hay.some((v) => typeof v === 'string' && v.toLowerCase().includes(text))) return false;
  }
  return true;
}

/** The filter's text, normalised for {@link rawRunMatches} (undefined when empty). */
export function scanText(f: RunScanFilter): string | undefined {
  const t = f.text?.trim().toLowerCase();
  return t ? t : undefined;
}
