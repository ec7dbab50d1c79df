import { ApprovalInbox } from '../components/ApprovalInbox';

/** `#/approvals`: every pending approval in the store, across threads and tabs. */
export function ApprovalsView() {
  return (
    <div className="columns">
      <ApprovalInbox />
    </div>
  );
}
