import type { ApprovalDecision, ApprovalRequest } from '../events/records.js';

/**
 * Decides approvals in process (`interactionMode: 'interactive'`): a CLI prompt, a modal, a test.
 * The runner applies `approvalTimeoutMs`; on timeout or error the `approvalFallback` applies.
 *
 * @example
 * const interaction = { decide: async (req) => (req.toolName === 'add' ? { kind: 'approve' } : { kind: 'reject', reason: 'no' }) };
 * new Runner({ interaction, config: { interactionMode: 'interactive' } });
 */
export interface InteractionProvider {
  decide(request: ApprovalRequest, opts: { signal: AbortSignal }): Promise<ApprovalDecision>;
}
