import type { RemoteDecisions } from '@afk/react';
import type { ApprovalDecision, ApprovalRequest } from 'afk/core';
import {
  BRIDGE_DECISION_PATHS,
  BRIDGE_PROTOCOL_VERSION,
  type BridgeDecisionMessage,
} from 'afk/devtools-bridge';
import { useBridgeStore } from './status';

/** A decision the bridge server refused (`code` as the server said it: `not_listening`, `source_gone`, …). */
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
 * it to the Node process that asked; that process records it and resumes the run, and its
 * writes come back over the bridge. Same origin, so the token cookie (when the server has one)
 * goes along. Rejects with the server's code and message when it refuses.
 */
export async function sendBridgeDecision(
  approval: ApprovalRequest,
  decision: ApprovalDecision,
): Promise<void> {
  const message: BridgeDecisionMessage = {
    v: BRIDGE_PROTOCOL_VERSION,
    approvalId: approval.id,
    argsHash: approval.argsHash,
    decision,
  };
  let res: Response;
  try {
    res = await fetch(new URL(BRIDGE_DECISION_PATHS.decide, location.href), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new BridgeDecisionError(
      'bridge_unreachable',
      `the devtools server cannot be reached (${e instanceof Error ? e.message : String(e)}); nothing was decided`,
    );
  }
  if (res.ok) return;
  const body = (await res.json().catch(() => undefined)) as
    | { error?: { code?: string; message?: string } }
    | undefined;
  throw new BridgeDecisionError(
    body?.error?.code ?? `http_${res.status}`,
    body?.error?.message ?? `the devtools server answered HTTP ${res.status}; nothing was decided`,
  );
}

/** `RemoteDecisions` for the inbox: bridged runs are decided in their Node process. */
export const bridgeDecisions: RemoteDecisions = {
  ownerOf: (a) => {
    const label = bridgedOwner(a);
    return label === undefined ? undefined : `the Node process (${label})`;
  },
  decide: sendBridgeDecision,
};
