import { useCallback, useState } from 'react';
import { useAfk } from './context.js';
import { type SuiteRun, toSuiteRuns } from './eval-summary.js';
import { type QueryState, useStoreQuery } from './use-store-query.js';

/** The stored suite runs (newest first) and a way to re-read them (e.g. after an import). */
export type EvalRunsState = QueryState<SuiteRun[]> & { refresh(): void };

/**
 * The newest `limit` eval suite runs in the store (default 50), newest first, live: re-read
 * whenever the store reports a change (the runs of a suite write events) and on `refresh()`.
 *
 * @example
 * const runs = useEvalRuns();
 * if (runs.status === 'ok') console.log(runs.data.map((r) => r.report.summary.passRate));
 */
export function useEvalRuns(limit = 50): EvalRunsState {
  const { store } = useAfk();
  const [version, setVersion] = useState(0);
  const state = useStoreQuery(`eval-runs:${limit}:${version}`, 'all', async () =>
    toSuiteRuns(await store.listEvalReports(limit)),
  );
  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  return { ...state, refresh };
}
