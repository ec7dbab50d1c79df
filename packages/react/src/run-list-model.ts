import type { RunRecord } from 'afk/memory';
import type { RunItem } from './use-runs.js';

/** One row of the runs table: a run (maybe a fork under its origin), a corrupt row, or a thread heading. */
export type RunListRow =
  | { kind: 'run'; key: string; run: RunRecord; depth: 0 | 1 }
  | { kind: 'corrupt'; key: string; runId: string; message: string }
  | { kind: 'thread'; key: string; threadId: string; runs: number; latest: number };

/**
 * Orders listed runs for display: newest first, each fork (`forkedFrom`) right under its origin
 * (when the origin is listed), or grouped by thread (threads by their newest run, a thread's
 * runs oldest first, like the conversation). Corrupt rows stay where the store listed them.
 */
export function buildRunRows(items: readonly RunItem[], groupByThread: boolean): RunListRow[] {
  if (groupByThread) return byThread(items);
  const listed = new Set<string>();
  for (const it of items) if (it.run) listed.add(it.runId);
  const forksOf = new Map<string, RunRecord[]>();
  for (const it of items) {
    const origin = it.run?.forkedFrom?.runId;
    if (it.run && origin && origin !== it.runId && listed.has(origin)) {
      const list = forksOf.get(origin) ?? [];
      list.push(it.run);
      forksOf.set(origin, list);
    }
  }
  const rows: RunListRow[] = [];
  const placed = new Set<string>();
  const place = (run: RunRecord, depth: 0 | 1) => {
    if (placed.has(run.runId)) return;
    placed.add(run.runId);
    rows.push({ kind: 'run', key: run.runId, run, depth });
    for (const fork of forksOf.get(run.runId) ?? []) place(fork, 1);
  };
  for (const it of items) {
    if (!it.run) {
      rows.push({ kind: 'corrupt', key: `corrupt:${it.runId}`, runId: it.runId, message: it.error.message });
      continue;
    }
    const origin = it.run.forkedFrom?.runId;
    if (origin && listed.has(origin) && !placed.has(origin)) continue; // placed under its origin later
    place(it.run, origin && listed.has(origin) ? 1 : 0);
  }
  return rows;
}

function byThread(items: readonly RunItem[]): RunListRow[] {
  const groups = new Map<string, RunRecord[]>();
  const rows: RunListRow[] = [];
  const corrupt: RunListRow[] = [];
  for (const it of items) {
    if (!it.run) {
      corrupt.push({
        kind: 'corrupt',
        key: `corrupt:${it.runId}`,
        runId: it.runId,
        message: it.error.message,
      });
      continue;
    }
    const g = groups.get(it.run.threadId);
    if (g) g.push(it.run);
    else groups.set(it.run.threadId, [it.run]);
  }
  // Map order = first appearance in a newest-first list = threads by their newest run.
  for (const [threadId, runs] of groups) {
    rows.push({
      kind: 'thread',
      key: `thread:${threadId}`,
      threadId,
      runs: runs.length,
      latest: runs[0]!.startedAt,
    });
    for (let i = runs.length - 1; i >= 0; i--)
      rows.push({ kind: 'run', key: runs[i]!.runId, run: runs[i]!, depth: 0 });
  }
  return corrupt.concat(rows);
}
