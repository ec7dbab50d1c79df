import type { ApprovalRequest } from 'afk/core';

/** Why the last decision on an approval was not taken (shown beside its card until the next). */
export interface Refusal {
  code?: string;
  message: string;
}

/**
 * The box under an approval card when a decision on it was not taken (refused, or not delivered
 * to the process that runs it): the code and the reason, whether the approval still waits, and a
 * dismiss button. Styles in approval-inbox.css (`.afk-approval-refusal`).
 */
export function DecisionRefusal({
  approval,
  refusal,
  onDismiss,
}: {
  approval: ApprovalRequest;
  refusal: Refusal;
  onDismiss(): void;
}) {
  return (
    <div
      className="afk-approval-refusal"
      role="alert"
      data-testid="decision-refusal"
      data-approval-id={approval.id}
      data-code={refusal.code}
    >
      <span>
        <strong>Not decided</strong>
        {approval.status !== 'pending'
          ? ''
          : refusal.code === 'approval_stale'
            ? ' here — the Node process had moved on; this page catches up when the run’s events arrive'
            : ' — it still waits'}
        : {refusal.code && <code className="afk-refusal-code">{refusal.code}</code>} {refusal.message}
      </span>
      <button
        type="button"
        className="afk-refusal-dismiss"
        aria-label={`Dismiss why the decision on ${approval.toolName} was not taken`}
        data-testid="decision-refusal-dismiss"
        onClick={onDismiss}
      >
        ×
      </button>
    </div>
  );
}
