import { store } from '../runtime';
import { useStoreQuery } from '../state/use-store-query';

/** How many runs the store holds (an index count, live across tabs). */
export function useRunCount(): number | undefined {
  return useStoreQuery('chrome:run-count', 'all', () => store.countRuns());
}

/** Pending approvals (live across tabs: another tab's request or decision updates the badge). */
export function usePendingApprovalCount(): number | undefined {
  return useStoreQuery(
    'chrome:pending-approvals',
    'all',
    async () => (await store.listApprovals({ status: 'pending' })).length,
  );
}
