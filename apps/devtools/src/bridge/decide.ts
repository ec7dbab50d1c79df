import type { RemoteDecisions } from '@afk/react';
import type { ApprovalDecision, ApprovalRequest } from 'afk/core';
import { decideOverBridge } from 'afk/devtools-bridge';
import { useBridgeStore } from './status';

/**
 * A decision that was not taken: refused by the bridge server (`not_listening`, `source_gone`,
 * `unknown_approval`, `approval_stale`, …) or by the Node process (`approval_stale`,
 * `invalid_argument`, …), or `not_delivered` (no answer in time). `code` is as they said it.
 */
export class BridgeDecisionError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BridgeDecisionError';
  }
}

/** The Node source's label when `approval`'s run came over the bridge, else undefined. */
export function bridgedOwner(approval: ApprovalRequest): string | undefined {
  const sources = useBridgeStore.getState().runSources;
  return sources[approval.rootRunId] ?? sources[approval.runId];
}

/**
 * Sends a decision on a bridged (Node) run's approval to the `afk devtools` server, which routes
 * it to the Node process that asked, and waits (bounded) for that process's answer. Resolves once
 * it recorded the decision (it resumes the run; its writes come back over the bridge). Rejects
 * with a `BridgeDecisionError` when the server or the Node process refused it, or it was not
 * delivered. Same origin, so the token cookie (when the server has one) goes along.
 */
export async function sendBridgeDecision(
  approval: ApprovalRequest,
  decision: ApprovalDecision,
): Promise<void> {
  const r = await decideOverBridge({ url: location.href, approval, decision });
  if (r.state === 'applied') return;
  const who = r.state === 'refused' && r.by === 'node' ? 'the Node process refused it: ' : '';
  throw new BridgeDecisionError(r.code, `${who}${r.message}`);
}

/** `RemoteDecisions` for the inbox: bridged runs are decided in their Node process. */
export const bridgeDecisions: RemoteDecisions = {
  ownerOf: (a) => {
    const label = bridgedOwner(a);
    return label === undefined ? undefined : `the Node process (${label})`;
  },
  decide: sendBridgeDecision,
};
