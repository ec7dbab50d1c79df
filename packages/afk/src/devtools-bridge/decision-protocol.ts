import { z } from 'zod';
import { type ApprovalDecision, ApprovalDecisionSchema } from '../events/records.js';
import { BRIDGE_PROTOCOL_VERSION } from './protocol.js';

/**
 * The page → Node half of the bridge: a decision made in a devtools page on a bridged run's
 * approval goes to the server (`POST /__afk/bridge/decide`), which routes it to the Node source
 * that sent the approval, over that source's decision stream (`GET /__afk/bridge/decisions`,
 * server-sent events). The Node process applies it with its own store's decision path and
 * resumes the run there: the page never resumes a bridged run (it has none of its tools).
 */
export const BRIDGE_DECISION_PATHS = {
  /** `POST`: a page sends a `BridgeDecisionMessage`. */
  decide: '/__afk/bridge/decide',
  /** `GET ?source=<id>`: the decisions routed to one Node source (server-sent `decision` events). */
  decisions: '/__afk/bridge/decisions',
} as const;

const ID = z.string().min(1).max(1_000);

/** What a page posts: which approval, the decision, and the args hash it was made against. */
export const BridgeDecisionMessageSchema = z.strictObject({
  v: z.literal(BRIDGE_PROTOCOL_VERSION),
  approvalId: ID,
  /** The args hash the page saw: a decision for other args is refused in Node (`approval_stale`). */
  argsHash: z.string().min(1).max(200),
  decision: ApprovalDecisionSchema,
});
/** A parsed decision message (the schema checks the decision; zod's inferred type is looser). */
export type BridgeDecisionMessage = Omit<z.output<typeof BridgeDecisionMessageSchema>, 'decision'> & {
  decision: ApprovalDecision;
};

/** The server's answer to an accepted decision (202). */
export interface BridgeDecisionAccepted {
  /** The decision's number on its source's decision stream. */
  id: number;
  /** The Node source it was routed to. */
  source: string;
  /** True when the source's decision stream was connected when the decision arrived. */
  delivered: boolean;
}

/** One decision as a Node source receives it (`event: decision`, `id:` set). */
export const BridgeDecisionEventSchema = BridgeDecisionMessageSchema.extend({
  id: z.number().int().nonnegative(),
  runId: ID,
  rootRunId: ID,
  receivedAt: z.number(),
});
export type BridgeDecisionEvent = Omit<z.output<typeof BridgeDecisionEventSchema>, 'decision'> & {
  decision: ApprovalDecision;
};
