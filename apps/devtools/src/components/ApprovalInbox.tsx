import type { ApprovalRequest } from 'afk/core';
import { useState } from 'react';
import { agentFor } from '../agent-factory';
import { runner } from '../runtime';
import { useSettings } from '../state/settings';
import { useStoreQuery } from '../state/use-store-query';
import { compact, errorMessage } from './format';

type Verdict = 'approve' | 'reject';

/**
 * Pending approvals from the store (they survive reloads and show in every tab). Deciding one
 * records the decision, then resumes the run it paused.
 */
export function ApprovalInbox({ onDecided }: { onDecided?: (approval: ApprovalRequest) => void } = {}) {
  const approvals = useStoreQuery('approvals:pending', 'all', () =>
    runner.listApprovals({ status: 'pending' }),
  );
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();

  async function decide(approval: ApprovalRequest, verdict: Verdict) {
    setBusy(approval.id);
    setError(undefined);
    try {
      await runner.decideApproval({
        approvalId: approval.id,
        decision:
          verdict === 'approve'
            ? { kind: 'approve' }
            : { kind: 'reject', reason: 'Rejected in the devtools' },
      });
      onDecided?.(approval);
      const result = await runner.resume(agentFor(useSettings.getState().settings), {
        runId: approval.rootRunId,
        threadId: approval.threadId,
      });
      if (result.error) setError(`${result.error.code}: ${result.error.message}`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <section className="panel" aria-labelledby="approvals-title">
      <h2 id="approvals-title">Approvals</h2>
      {error && (
        <p role="alert" className="error" data-testid="approval-error">
          {error}
        </p>
      )}
      {approvals === undefined ? (
        <p className="hint">Loading…</p>
      ) : approvals.length === 0 ? (
        <p className="hint" data-testid="approvals-empty">
          Nothing waits for a decision.
        </p>
      ) : (
        <ul className="approval-list">
          {approvals.map((a) => (
            <li key={a.id} data-testid="approval-item" data-approval-id={a.id}>
              <div>
                <strong>{a.toolName}</strong> <span className="mono">{compact(a.args)}</span>
              </div>
              {a.reason && <div className="hint">{a.reason}</div>}
              <div className="row">
                <button
                  type="button"
                  data-testid="approve-button"
                  disabled={busy !== undefined}
                  onClick={() => decide(a, 'approve')}
                >
                  Approve
                </button>
                <button
                  type="button"
                  data-testid="reject-button"
                  disabled={busy !== undefined}
                  onClick={() => decide(a, 'reject')}
                >
                  Reject
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
