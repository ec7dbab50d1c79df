import { useRoute } from './route';

/**
 * Which run and span a view shows. On `#/runs/<runId>/span/<spanId>` they come from the URL;
 * the playground keeps its own current run (see `usePlayground`) so selecting a past run
 * elsewhere never changes what the playground streams.
 */
export function openRun(runId: string, spanId?: string, opts?: { replace?: boolean }): void {
  useRoute.getState().navigate(spanId ? { view: 'run', runId, spanId } : { view: 'run', runId }, opts);
}
