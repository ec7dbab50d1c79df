import { EvalDashboard, type EvalDashboardState, parseEvalFilter } from '@afk/react';
import { SavedCases } from '../evals/SavedCases';
import { useRoute } from '../state/route';
import './evals-view.css';

/**
 * `#/evals` and `#/evals/<suiteRunId>?filter=failures&case=<id>`: the eval dashboard, its state
 * in the URL (filter and case changes replace the history entry; another suite run pushes one).
 */
export function EvalsView() {
  const route = useRoute((s) => s.route);
  const navigate = useRoute((s) => s.navigate);
  const params = route.view === 'evals' ? route.params : {};
  const state: EvalDashboardState = {
    filter: parseEvalFilter(params.filter),
    ...(route.view === 'evals' && route.suiteRunId ? { suiteRunId: route.suiteRunId } : {}),
    ...(params.case ? { caseId: params.case } : {}),
  };
  const onNavigate = (next: EvalDashboardState) => {
    const p: Record<string, string> = {};
    if (next.filter !== 'all') p.filter = next.filter;
    if (next.caseId) p.case = next.caseId;
    navigate(
      next.suiteRunId
        ? { view: 'evals', suiteRunId: next.suiteRunId, params: p }
        : { view: 'evals', params: p },
      { replace: state.suiteRunId === undefined || next.suiteRunId === state.suiteRunId },
    );
  };
  return (
    <div className="columns evals-columns">
      <section className="panel" aria-labelledby="evals-title">
        <h2 id="evals-title">Evals</h2>
        <EvalDashboard state={state} onNavigate={onNavigate} />
      </section>
      <SavedCases />
    </div>
  );
}
