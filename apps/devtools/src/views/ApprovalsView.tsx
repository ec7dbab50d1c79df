import type { ApprovalTab } from '@afk/react';
import { ApprovalInbox } from '../components/ApprovalInbox';
import { useRoute } from '../state/route';
import './approvals-view.css';

const TABS: readonly ApprovalTab[] = ['pending', 'decided', 'expired'];

/**
 * `#/approvals?tab=pending|decided|expired` and `#/approvals/<id>`: every approval in the store,
 * across threads and tabs. The tab and the selected request live in the URL.
 */
export function ApprovalsView() {
  const route = useRoute((s) => s.route);
  const navigate = useRoute((s) => s.navigate);
  if (route.view !== 'approvals') return null;
  const tab = TABS.find((t) => t === route.params.tab) ?? 'pending';
  const params = (t: ApprovalTab) => (t === 'pending' ? {} : { tab: t });
  return (
    <div className="approvals-view">
      <h2>Approvals</h2>
      <ApprovalInbox
        shortcuts="document"
        tab={tab}
        onTabChange={(t) => navigate({ view: 'approvals', params: params(t) }, { replace: true })}
        selectedId={route.approvalId}
        onSelect={(id) =>
          navigate(
            id
              ? { view: 'approvals', approvalId: id, params: params(tab) }
              : { view: 'approvals', params: params(tab) },
            { replace: true },
          )
        }
      />
    </div>
  );
}
