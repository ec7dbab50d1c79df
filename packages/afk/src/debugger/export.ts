import { z } from 'zod';
import { AfkConfigError, AfkError, type AfkIssue, formatIssues, fromZodIssues } from '../errors/index.js';
import type { ApprovalRequest, BackgroundTicket } from '../events/records.js';
import { ApprovalRequestSchema, BackgroundTicketSchema } from '../events/records.js';
import { type RunEvent, RunEventSchema } from '../events/run-event.js';
import { RunRecordSchema } from '../memory/rows.js';
import type { MemoryStore, ReadEventsOptions, RunRecord } from '../memory/types.js';
import { type PayloadOptions, shapeRecord } from './payload.js';
import type { RunExport } from './types.js';

export const RUN_EXPORT_FORMAT = 'afk-run-export';
export const RUN_EXPORT_VERSION = 1;

/** A run and, recursively, the subagent runs its log names (root first; each run once). */
export async function collectRunTree(
  store: MemoryStore,
  rootRunId: string,
  read: Pick<ReadEventsOptions, 'validate'> = {},
): Promise<Array<{ run: RunRecord | undefined; events: RunEvent[] }>> {
  const out: Array<{ run: RunRecord | undefined; events: RunEvent[] }> = [];
  const seen = new Set<string>();
  const queue = [rootRunId];
  while (queue.length) {
    const id = queue.shift() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const [run, events] = await Promise.all([store.getRun(id), store.readEvents(id, read)]);
    if (!run && events.length === 0) continue;
    out.push({ run, events });
    for (const e of events) if (e.type === 'subagent_started') queue.push(e.data.childRunId);
  }
  return out;
}

/**
 * The run with its subagent runs, approvals and tickets, shaped for leaving the store: values under
 * redact keys replaced, content optionally reduced to sizes, long strings cut.
 */
export async function exportRun(
  store: MemoryStore,
  rootRunId: string,
  opts: PayloadOptions,
): Promise<RunExport> {
  const tree = await collectRunTree(store, rootRunId);
  const root = tree[0];
  if (!root?.run) throw new AfkError('not_found', `no run ${rootRunId} in the store`);
  const runs: RunExport['runs'] = [];
  const approvals = new Map<string, ApprovalRequest>();
  const tickets = new Map<string, BackgroundTicket>();
  for (const { run, events } of tree) {
    if (!run) continue;
    if (events[0]?.seq !== 0 || events[0].type !== 'run_started')
      throw new AfkError(
        'invalid_argument',
        `run ${run.runId} was compacted (its log starts at seq ${events[0]?.seq ?? '?'}): it cannot be exported whole`,
      );
    runs.push({ run: shapeRecord(run, opts), events: events.map((e) => shapeRecord(e, opts)) });
    const [own, tks] = await Promise.all([
      store.listApprovals({ runId: run.runId }),
      store.listTickets({ runId: run.runId, includeResolved: true }),
    ]);
    for (const a of own) approvals.set(a.id, shapeRecord(a, opts));
    for (const t of tks) tickets.set(t.ticketId, shapeRecord(t, opts));
  }
  return {
    format: RUN_EXPORT_FORMAT,
    version: RUN_EXPORT_VERSION,
    exportedAt: Date.now(),
    rootRunId,
    runs,
    approvals: [...approvals.values()],
    tickets: [...tickets.values()],
  };
}

const ExportEnvelopeSchema = z.object({
  format: z.literal(RUN_EXPORT_FORMAT),
  version: z.number().int().positive(),
  exportedAt: z.number(),
  rootRunId: z.string().min(1),
  runs: z.array(z.object({ run: z.unknown(), events: z.array(z.unknown()) })).min(1),
  approvals: z.array(z.unknown()),
  tickets: z.array(z.unknown()),
});

/**
 * Validates an export completely (envelope, every run record, every event, seq continuity, ids
 * that agree) and returns it typed, or throws one `AfkConfigError` listing every issue found.
 */
export function parseRunExport(data: unknown): RunExport {
  const issues: AfkIssue[] = [];
  const env = ExportEnvelopeSchema.safeParse(data);
  if (!env.success) {
    const found = fromZodIssues(env.error.issues);
    throw new AfkConfigError('invalid_argument', `Not an AFK run export:\n${formatIssues(found)}`, {
      issues: found,
    });
  }
  const d = env.data;
  if (d.version > RUN_EXPORT_VERSION) {
    const found = [
      {
        path: ['version'],
        message: `version ${d.version} is newer than this AFK reads (${RUN_EXPORT_VERSION})`,
      },
    ];
    throw new AfkConfigError('invalid_argument', `Run export from a newer AFK:\n${formatIssues(found)}`, {
      issues: found,
    });
  }
  const runs: RunExport['runs'] = [];
  const runIds = new Set<string>();
  d.runs.forEach((entry, i) => {
    const rec = RunRecordSchema.safeParse(entry.run);
    if (!rec.success) {
      for (const x of fromZodIssues(rec.error.issues))
        issues.push({ ...x, path: ['runs', i, 'run', ...x.path] });
      return;
    }
    const run = rec.data as RunRecord;
    if (runIds.has(run.runId))
      issues.push({ path: ['runs', i, 'run', 'runId'], message: `run ${run.runId} appears twice` });
    runIds.add(run.runId);
    const events: RunEvent[] = [];
    entry.events.forEach((raw, j) => {
      const ev = RunEventSchema.safeParse(raw);
      if (!ev.success) {
        for (const x of fromZodIssues(ev.error.issues).slice(0, 3))
          issues.push({ ...x, path: ['runs', i, 'events', j, ...x.path] });
        return;
      }
      const e = ev.data as unknown as RunEvent;
      if (e.runId !== run.runId)
        issues.push({
          path: ['runs', i, 'events', j, 'runId'],
          message: `belongs to run ${e.runId}, not ${run.runId}`,
        });
      if (e.seq !== j)
        issues.push({ path: ['runs', i, 'events', j, 'seq'], message: `expected seq ${j}, found ${e.seq}` });
      events.push(e);
    });
    if (events.length && events[0]?.type !== 'run_started')
      issues.push({ path: ['runs', i, 'events', 0, 'type'], message: 'a run log starts with run_started' });
    if (run.lastSeq !== entry.events.length - 1)
      issues.push({
        path: ['runs', i, 'run', 'lastSeq'],
        message: `the record says ${run.lastSeq} but the log has ${entry.events.length} events (truncated?)`,
      });
    runs.push({ run, events });
  });
  if (!runIds.has(d.rootRunId))
    issues.push({ path: ['rootRunId'], message: `run ${d.rootRunId} is not in the export` });
  const approvals = d.approvals.flatMap((a, i) => {
    const r = ApprovalRequestSchema.safeParse(a);
    if (r.success) return [r.data as ApprovalRequest];
    for (const x of fromZodIssues(r.error.issues)) issues.push({ ...x, path: ['approvals', i, ...x.path] });
    return [];
  });
  const tickets = d.tickets.flatMap((t, i) => {
    const r = BackgroundTicketSchema.safeParse(t);
    if (r.success) return [r.data as BackgroundTicket];
    for (const x of fromZodIssues(r.error.issues)) issues.push({ ...x, path: ['tickets', i, ...x.path] });
    return [];
  });
  for (const [i, a] of approvals.entries())
    if (!runIds.has(a.runId))
      issues.push({ path: ['approvals', i, 'runId'], message: `run ${a.runId} is not in the export` });
  for (const [i, t] of tickets.entries())
    if (!runIds.has(t.runId))
      issues.push({ path: ['tickets', i, 'runId'], message: `run ${t.runId} is not in the export` });
  if (issues.length) {
    throw new AfkConfigError(
      'invalid_argument',
      `Run export is corrupt (${issues.length} issue${issues.length === 1 ? '' : 's'}):\n${formatIssues(issues.slice(0, 50))}`,
      { issues },
    );
  }
  return {
    format: RUN_EXPORT_FORMAT,
    version: RUN_EXPORT_VERSION,
    exportedAt: d.exportedAt,
    rootRunId: d.rootRunId,
    runs,
    approvals,
    tickets,
  };
}

/**
 * Writes a validated export into a store, one atomic batch per run. Idempotent: a run already in
 * the store is left as it is (importing twice leaves one copy). Returns the root run's id.
 */
export async function importRun(store: MemoryStore, data: unknown): Promise<string> {
  const exp = parseRunExport(data);
  for (const { run, events } of exp.runs) {
    if (await store.getRun(run.runId)) continue;
    const approvals = exp.approvals.filter((a) => a.runId === run.runId);
    const tickets = exp.tickets.filter((t) => t.runId === run.runId);
    const isRoot = run.runId === exp.rootRunId;
    const thread = isRoot ? await store.getThread(run.threadId) : undefined;
    await store.write({
      events,
      run,
      ...(approvals.length ? { approvals } : {}),
      ...(tickets.length ? { tickets } : {}),
      ...(isRoot
        ? {
            thread: {
              threadId: run.threadId,
              lastRunId: thread?.lastRunId ?? run.runId,
              runIds: thread ? [...new Set([...thread.runIds, run.runId])] : [run.runId],
              createdAt: thread?.createdAt ?? run.startedAt,
              updatedAt: Date.now(),
            },
          }
        : {}),
    });
  }
  return exp.rootRunId;
}
