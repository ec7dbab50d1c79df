import { create } from 'zustand';

/**
 * The app's state that belongs in the URL, as a hash route (so the built app works from any
 * static server, `afk devtools` included):
 *
 * - `#/playground`
 * - `#/runs?status=failed&agent=calc&q=text&group=thread`
 * - `#/runs/<runId>` and `#/runs/<runId>/span/<spanId>`
 * - `#/compare/<runIdA>/<runIdB>`
 * - `#/approvals?tab=pending` and `#/approvals/<approvalId>`
 * - `#/evals` and `#/evals/<suiteRunId>?filter=failures`
 * - `#/settings`
 *
 * Reload and back/forward restore it. Unknown hashes fall back to the playground.
 */
export type Route =
  | { view: 'playground' }
  | { view: 'runs'; params: Record<string, string> }
  | { view: 'run'; runId: string; spanId?: string }
  | { view: 'compare'; runIdA: string; runIdB: string }
  | { view: 'approvals'; approvalId?: string; params: Record<string, string> }
  | { view: 'evals'; suiteRunId?: string; params: Record<string, string> }
  | { view: 'settings' };

export type ViewName = Route['view'];

function params(search: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (!search) return out;
  for (const [k, v] of new URLSearchParams(search)) out[k] = v;
  return out;
}

function seg(s: string | undefined): string | undefined {
  if (s === undefined || s === '') return undefined;
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** Parses a location hash (`#/runs/abc/span/def`) into a route. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path = '', search] = raw.split('?', 2);
  const parts = path.split('/').filter((p) => p !== '');
  const [head, a, b, c] = parts;
  switch (head) {
    case 'runs': {
      const runId = seg(a);
      if (!runId) return { view: 'runs', params: params(search) };
      const spanId = b === 'span' ? seg(c) : undefined;
      return spanId ? { view: 'run', runId, spanId } : { view: 'run', runId };
    }
    case 'compare': {
      const runIdA = seg(a);
      const runIdB = seg(b);
      return runIdA && runIdB ? { view: 'compare', runIdA, runIdB } : { view: 'runs', params: {} };
    }
    case 'approvals': {
      const approvalId = seg(a);
      return approvalId
        ? { view: 'approvals', approvalId, params: params(search) }
        : { view: 'approvals', params: params(search) };
    }
    case 'evals': {
      const suiteRunId = seg(a);
      return suiteRunId
        ? { view: 'evals', suiteRunId, params: params(search) }
        : { view: 'evals', params: params(search) };
    }
    case 'settings':
      return { view: 'settings' };
    default:
      return { view: 'playground' };
  }
}

function query(p: Record<string, string>): string {
  const entries = Object.entries(p).filter(([, v]) => v !== '');
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}

/** The hash for a route (inverse of {@link parseRoute}). */
export function formatRoute(route: Route): string {
  const e = encodeURIComponent;
  switch (route.view) {
    case 'playground':
      return '#/playground';
    case 'runs':
      return `#/runs${query(route.params)}`;
    case 'run':
      return `#/runs/${e(route.runId)}${route.spanId ? `/span/${e(route.spanId)}` : ''}`;
    case 'compare':
      return `#/compare/${e(route.runIdA)}/${e(route.runIdB)}`;
    case 'approvals':
      return `#/approvals${route.approvalId ? `/${e(route.approvalId)}` : ''}${query(route.params)}`;
    case 'evals':
      return `#/evals${route.suiteRunId ? `/${e(route.suiteRunId)}` : ''}${query(route.params)}`;
    case 'settings':
      return '#/settings';
  }
}

interface RouteState {
  route: Route;
  /** The route before this one (Esc on a run goes back to the filtered list it came from). */
  previous?: Route;
  /** Goes to a route: a new history entry, or the current one replaced (filters, span selection). */
  navigate(route: Route, opts?: { replace?: boolean }): void;
}

const current = (): Route =>
  typeof location === 'undefined' ? { view: 'playground' } : parseRoute(location.hash);

export const useRoute = create<RouteState>()((set, get) => ({
  route: current(),
  navigate: (route, opts) => {
    const hash = formatRoute(route);
    if (typeof history !== 'undefined' && location.hash !== hash) {
      if (opts?.replace) history.replaceState(null, '', hash);
      else history.pushState(null, '', hash);
    }
    set(opts?.replace ? { route } : { route, previous: get().route });
  },
}));

if (typeof window !== 'undefined') {
  const sync = () => {
    const next = current();
    const now = useRoute.getState().route;
    if (formatRoute(next) !== formatRoute(now)) useRoute.setState({ route: next, previous: now });
  };
  window.addEventListener('hashchange', sync);
  window.addEventListener('popstate', sync);
}
