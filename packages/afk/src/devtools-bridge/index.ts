/**
 * `afk/devtools-bridge`: stream a Node process's runs into `afk devtools` (`devtoolsBridge`), and
 * the wire format and idempotent ingestion the devtools page uses on the other end.
 * See docs/devtools-bridge.md.
 */
export { DevtoolsBridge, devtoolsBridge } from './bridge.js';
export {
  type DevtoolsBridgeOptions,
  DevtoolsBridgeOptionsSchema,
  type DevtoolsBridgeStats,
} from './bridge-options.js';
export type { AcceptDecisionsOptions, BridgeDecisionOutcome } from './decision-apply.js';
export {
  type BridgeDecisionResult,
  type DecideOverBridgeOptions,
  decideOverBridge,
} from './decision-client.js';
export {
  BRIDGE_DECISION_PATHS,
  BRIDGE_OUTCOME_MESSAGE_MAX,
  type BridgeDecisionAccepted,
  type BridgeDecisionEvent,
  BridgeDecisionEventSchema,
  type BridgeDecisionMessage,
  BridgeDecisionMessageSchema,
  type BridgeDecisionReport,
  BridgeDecisionReportSchema,
  type BridgeDecisionState,
  BridgeDecisionStateSchema,
  type BridgeDecisionStatus,
  BridgeDecisionStatusSchema,
} from './decision-protocol.js';
export { applyBridgeBatch, type BridgeApplyResult, type BridgeRejection } from './ingest.js';
export {
  BRIDGE_META_NAME,
  BRIDGE_PATHS,
  BRIDGE_PROTOCOL_VERSION,
  BridgeBatchSchema,
  type BridgeErrorBody,
  type BridgeHelloEvent,
  BridgeHelloEventSchema,
  type BridgeInfo,
  BridgeInfoSchema,
  type BridgeIngestMessage,
  type BridgeIngestMessageInput,
  BridgeIngestMessageSchema,
  type BridgeSource,
  type BridgeSourceInfo,
  BridgeSourceInfoSchema,
  BridgeSourceSchema,
  type BridgeSourcesEvent,
  BridgeSourcesEventSchema,
  type BridgeStreamBatch,
  BridgeStreamBatchSchema,
} from './protocol.js';
export type { BridgeBatch } from './shape.js';
