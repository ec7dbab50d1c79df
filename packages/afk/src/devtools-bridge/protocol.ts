import { z } from 'zod';
import { ApprovalRequestSchema, BackgroundTicketSchema } from '../events/records.js';
import { RunEventSchema } from '../events/run-event.js';
import { RunRecordSchema, ThreadRecordSchema } from '../memory/rows.js';
import type { BridgeBatch } from './shape.js';

/**
 * The wire format between Node processes, the `afk devtools` server and the pages it serves.
 * Node sources `POST` ingest messages; the server validates them and fans them out, in order
 * and numbered, to every page connected to the event stream; the pages validate them again
 * (a server is not trusted more than the network) and write them into their own store.
 */
export const BRIDGE_PROTOCOL_VERSION = 1;

/** Endpoints of the `afk devtools` server (one origin serves the app and the bridge). */
export const BRIDGE_PATHS = {
  /** `POST`: Node sources send `BridgeIngestMessage`s here. */
  ingest: '/__afk/bridge/ingest',
  /** `GET`: server-sent events to the pages (`hello`, `batch`, `sources`). */
  stream: '/__afk/bridge/stream',
  /** `GET`: `{ app, version, protocol, tokenRequired }`. */
  info: '/__afk/bridge/info',
} as const;

/** The meta tag the server injects into the app's HTML; its `content` is the bridge's base path. */
export const BRIDGE_META_NAME = 'afk-bridge';

/** Longest id or label of a source. */
const ID_MAX = 200;

/** Who sends: a stable id per process (`node:<pid>:<random>` by default) and a label for people. */
export const BridgeSourceSchema = z.object({
  id: z.string().min(1).max(ID_MAX),
  label: z.string().max(ID_MAX),
});
export type BridgeSource = z.infer<typeof BridgeSourceSchema>;

/**
 * One store write of a Node run, as it was written there (redacted): events, the run record,
 * approvals, tickets, the thread. Snapshots stay in Node (the page folds the events itself).
 */
export const BridgeBatchSchema = z.object({
  events: z.array(RunEventSchema).max(10_000).optional(),
  run: RunRecordSchema.optional(),
  approvals: z.array(ApprovalRequestSchema).max(1_000).optional(),
  tickets: z.array(BackgroundTicketSchema).max(1_000).optional(),
  thread: ThreadRecordSchema.optional(),
});

/**
 * What a Node source posts: the batches written since its last post, in write order. `seq`
 * numbers the posts of one source (a retried post keeps its number; the server drops repeats).
 * `dropped` counts batches the source lost to its buffer limit so far; `closing` says it ends.
 */
export const BridgeIngestMessageSchema = z.object({
  v: z.literal(BRIDGE_PROTOCOL_VERSION),
  source: BridgeSourceSchema,
  seq: z.number().int().nonnegative(),
  batches: z.array(BridgeBatchSchema).max(1_000),
  dropped: z.number().int().nonnegative().default(0),
  closing: z.boolean().default(false),
});
export type BridgeIngestMessage = z.output<typeof BridgeIngestMessageSchema>;
export type BridgeIngestMessageInput = z.input<typeof BridgeIngestMessageSchema>;

/** One batch as the server forwards it: numbered (`id`, also the SSE event id) and attributed. */
export const BridgeStreamBatchSchema = z.object({
  v: z.literal(BRIDGE_PROTOCOL_VERSION),
  id: z.number().int().nonnegative(),
  source: BridgeSourceSchema,
  receivedAt: z.number(),
  batch: BridgeBatchSchema,
});
/** A parsed `batch` event (the schema checks every record; zod's inferred type is looser). */
export interface BridgeStreamBatch {
  v: typeof BRIDGE_PROTOCOL_VERSION;
  id: number;
  source: BridgeSource;
  receivedAt: number;
  batch: BridgeBatch;
}

/** A connected source as the server lists it. */
export const BridgeSourceInfoSchema = BridgeSourceSchema.extend({
  lastSeen: z.number(),
  batches: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
});
export type BridgeSourceInfo = z.infer<typeof BridgeSourceInfoSchema>;

/** The `sources` event: the Node sources currently sending (a closed source is removed). */
export const BridgeSourcesEventSchema = z.object({
  v: z.literal(BRIDGE_PROTOCOL_VERSION),
  sources: z.array(BridgeSourceInfoSchema).max(1_000),
});
export type BridgeSourcesEvent = z.infer<typeof BridgeSourcesEventSchema>;

/** The `hello` event, first on every stream connection. */
export const BridgeHelloEventSchema = z.object({
  v: z.literal(BRIDGE_PROTOCOL_VERSION),
  server: z.string().max(ID_MAX),
  /** The id of the newest batch when the page connected (replayed batches follow `hello`). */
  lastId: z.number().int().min(-1),
});
export type BridgeHelloEvent = z.infer<typeof BridgeHelloEventSchema>;

/** What `GET /__afk/bridge/info` answers. */
export const BridgeInfoSchema = z.object({
  app: z.literal('afk-devtools'),
  version: z.string(),
  protocol: z.number().int(),
  tokenRequired: z.boolean(),
});
export type BridgeInfo = z.infer<typeof BridgeInfoSchema>;

/** The JSON body of every 4xx/5xx answer: `{ error: { code, message, issues? } }`. */
export interface BridgeErrorBody {
  error: {
    code: string;
    message: string;
    issues?: Array<{ path: Array<string | number>; message: string }>;
  };
}
