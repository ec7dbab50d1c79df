import { z } from 'zod';
import { AfkStorageError, fromZodIssues } from '../errors/index.js';
import { AgentResultSchema, RunStatusSchema, UsageAggregateSchema } from '../events/records.js';
import { SNAPSHOT_VERSION } from './types.js';

/**
 * Zod schemas of every stored row, used to validate what a durable store reads back (a corrupt
 * or foreign row is an error, never silently used) and, for the small records, what it writes.
 */
export const RunRecordSchema = z.object({
  runId: z.string().min(1),
  threadId: z.string().min(1),
  agentName: z.string(),
  parentRunId: z.string().optional(),
  rootRunId: z.string(),
  status: RunStatusSchema,
  startedAt: z.number(),
  updatedAt: z.number(),
  lastSeq: z.number().int().min(-1),
  result: AgentResultSchema.optional(),
  forkedFrom: z.object({ runId: z.string().min(1), seq: z.number().int().nonnegative() }).optional(),
  summary: z
    .object({
      input: z.string().optional(),
      steps: z.number().int().nonnegative(),
      usage: UsageAggregateSchema,
    })
    .optional(),
});

/**
 * The snapshot envelope. `state` is only checked for presence: it is the fold state, validated by
 * the core when it is read back, and parsing a large state twice would cost O(history) per read.
 */
export const RunSnapshotEnvelopeSchema = z
  .object({
    runId: z.string().min(1),
    threadId: z.string().min(1),
    seq: z.number().int().nonnegative(),
    version: z.number().int(),
    createdAt: z.number(),
  })
  .loose();

export const ThreadRecordSchema = z.object({
  threadId: z.string().min(1),
  lastRunId: z.string().optional(),
  runIds: z.array(z.string()),
  createdAt: z.number(),
  updatedAt: z.number(),
});

/** Eval report rows: the envelope is checked, the report itself is opaque JSON. */
export const EvalReportRecordSchema = z
  .object({ suiteId: z.string().min(1), startedAt: z.number() })
  .loose()
  .refine((r) => 'report' in r && r.report !== undefined, { message: 'missing report', path: ['report'] });

export const LeaseRowSchema = z.object({
  runId: z.string().min(1),
  owner: z.string(),
  expiresAt: z.number(),
});
export type LeaseRow = z.infer<typeof LeaseRowSchema>;

/** What `watch` reports, validated when it arrives from another tab. */
export const StoreChangeSchema = z.object({
  runId: z.string().min(1),
  lastSeq: z.number().int().min(-1),
  kind: z.enum(['events', 'approval', 'ticket', 'run', 'eval']),
});

/** Formats a row key for messages: `events[["run_1",3]]`. */
export function rowLabel(table: string, key: unknown): string {
  let k: string;
  try {
    k = JSON.stringify(key) ?? String(key);
  } catch {
    k = String(key);
  }
  return `${table}[${k}]`;
}

/**
 * Parses a row read back from a store. A row that does not match is `row_corrupt`, naming the
 * table and key; the row itself is left untouched (nothing is overwritten or deleted). `schema`
 * must describe `T` (zod infers optional fields as `T | undefined`, which
 * `exactOptionalPropertyTypes` does not accept, hence the type parameter).
 */
export function parseRow<T>(schema: z.ZodType, table: string, key: unknown, row: unknown): T {
  const r = schema.safeParse(row);
  if (r.success) return r.data as T;
  const issues = fromZodIssues(r.error.issues);
  throw new AfkStorageError(
    'row_corrupt',
    `${rowLabel(table, key)} is corrupt or foreign (${issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ')}); it was left untouched`,
    { issues },
  );
}

/**
 * Checks a snapshot read back: envelope shape, key match and `version === SNAPSHOT_VERSION`;
 * anything else is `checkpoint_corrupt` (resume must not fold an unknown state format).
 */
export function parseSnapshotRow<T>(table: string, key: unknown, row: unknown): T {
  const r = RunSnapshotEnvelopeSchema.safeParse(row);
  if (!r.success) {
    throw new AfkStorageError(
      'checkpoint_corrupt',
      `${rowLabel(table, key)} is not a snapshot; it was left untouched`,
      {
        issues: fromZodIssues(r.error.issues),
      },
    );
  }
  if (!('state' in r.data) || r.data.state === undefined) {
    throw new AfkStorageError(
      'checkpoint_corrupt',
      `${rowLabel(table, key)} has no state; it was left untouched`,
      {
        issues: [{ path: ['state'], message: 'missing' }],
      },
    );
  }
  if (r.data.version !== SNAPSHOT_VERSION) {
    throw new AfkStorageError(
      'checkpoint_corrupt',
      `${rowLabel(table, key)} has snapshot version ${r.data.version}; this build reads version ${SNAPSHOT_VERSION}`,
      { issues: [{ path: ['version'], message: `expected ${SNAPSHOT_VERSION}` }] },
    );
  }
  return r.data as T;
}
