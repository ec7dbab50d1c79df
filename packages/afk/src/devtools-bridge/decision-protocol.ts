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
  /** `POST`: a Node source reports what became of a decision (`BridgeDecisionReport`). */
  outcome: '/__afk/bridge/outcome',
  /**
   * `GET ?source=<id>&id=<n>[&waitMs=<ms>]`: a page asks what became of its decision
   * (`BridgeDecisionStatus`); with `waitMs` (at most 25 000) the answer waits until the state
   * is final or that time passed.
   */
  status: '/__afk/bridge/decision-status',
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

/** Longest code a report carries. */
const CODE = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z][a-z0-9_]*$/, 'a code is snake_case');
/** Longest message a report carries (longer ones are cut by the Node side). */
export const BRIDGE_OUTCOME_MESSAGE_MAX = 1_000;

/**
 * What a Node source reports after it took a decision: `applied` (recorded; the run resumes there
 * or waits for its other approvals) or `refused` with the typed code and message of the error
 * its decision path raised (`approval_stale`, `invalid_argument`, `approval_not_found`, …).
 */
export const BridgeDecisionReportSchema = z
  .strictObject({
    v: z.literal(BRIDGE_PROTOCOL_VERSION),
    /** The reporting source's id (it must be the source the decision was routed to). */
    source: z.string().min(1).max(200),
    /** The decision's number on that source's decision stream. */
    id: z.number().int().nonnegative(),
    approvalId: ID,
    outcome: z.enum(['applied', 'refused']),
    code: CODE.optional(),
    message: z.string().max(BRIDGE_OUTCOME_MESSAGE_MAX).optional(),
  })
  .refine((r) => r.outcome === 'applied' || r.code !== undefined, {
    path: ['code'],
    message: 'a refusal needs its code',
  });
export type BridgeDecisionReport = z.output<typeof BridgeDecisionReportSchema>;

/**
 * Where a decision made in a page stands. `pending`: routed, the Node source did not answer yet;
 * `applied`: the source recorded it; `refused`: the source refused it (`code`, `message`);
 * `not_delivered`: no answer within the server's `decisionTimeoutMs`, or the source ended first —
 * nothing is known to be decided.
 */
export const BridgeDecisionStateSchema = z.enum(['pending', 'applied', 'refused', 'not_delivered']);
export type BridgeDecisionState = z.infer<typeof BridgeDecisionStateSchema>;

/** What `GET /__afk/bridge/decision-status` answers. */
export const BridgeDecisionStatusSchema = z.object({
  v: z.literal(BRIDGE_PROTOCOL_VERSION),
  id: z.number().int().nonnegative(),
  source: z.string().min(1).max(200),
  approvalId: ID,
  state: BridgeDecisionStateSchema,
  code: CODE.optional(),
  message: z
    .string()
    .max(BRIDGE_OUTCOME_MESSAGE_MAX * 2)
    .optional(),
  /** When the state last changed (ms since the epoch). */
  at: z.number(),
});
export type BridgeDecisionStatus = z.infer<typeof BridgeDecisionStatusSchema>;
