import { useCallback, useEffect, useState } from 'react';
import { useAfk } from './context.js';
import { type SuiteRun, toSuiteRuns } from './eval-summary.js';
import type { QueryState } from './use-store-query.js';

/**
 * The stored suite runs (newest first) and a way to re-read them (e.g. after an import).
 * `complete` is false while only the newest few are in (see `useEvalRuns`).
 */
export type EvalRunsState = QueryState<SuiteRun[]> & { refresh(): void; complete: boolean };

/**
 * How many of the newest reports are read first: enough for the newest run's matrix (6 columns)
 * to paint while the rest (a report of a few hundred cases is ~100 KiB) are still being read.
 */
export const EVAL_RUNS_FIRST_READ = 6;

/**
 * The newest `limit` eval suite runs in the store (default 50), newest first, live: re-read
 * whenever a report is stored (a `kind: 'eval'` change, from this tab or another) and on
 * `refresh()`. Reads in two steps: the newest `EVAL_RUNS_FIRST_READ` first
 * (`complete: false`), then all `limit`, so the first paint does not wait for 50 full reports.
 *
 * @example
 * const runs = useEvalRuns();
 * if (runs.status === 'ok') console.log(runs.data.map((r) => r.report.summary.passRate));
 */
export function useEvalRuns(limit = 50): EvalRunsState {
  const { store } = useAfk();
  const [version, setVersion] = useState(0);
  const [value, setValue] = useState<{
    key: string;
    state: QueryState<SuiteRun[]>;
    complete: boolean;
  }>();
  const key = `${limit}:${version}`;

  useEffect(() => {
    let live = true;
    let generation = 0;
    // After the first complete read, re-reads go straight to all `limit` (no shrink-then-grow).
    let whole = false;
    const fail = (mine: number, error: unknown) => {
      if (live && mine === generation)
        setValue({
          key,
          complete: true,
          state: { status: 'error', error: error instanceof Error ? error : new Error(String(error)) },
        });
    };
    const read = async () => {
      const mine = ++generation;
      try {
        const head = whole ? limit : Math.min(limit, EVAL_RUNS_FIRST_READ);
        const first = await store.listEvalReports(head);
        if (!live || mine !== generation) return;
        const complete = first.length < head || head === limit;
        whole ||= complete;
        setValue({ key, complete, state: { status: 'ok', data: toSuiteRuns(first) } });
        if (complete) return;
        const all = await store.listEvalReports(limit);
        if (!live || mine !== generation) return;
        whole = true;
        setValue({ key, complete: true, state: { status: 'ok', data: toSuiteRuns(all) } });
      } catch (e) {
        fail(mine, e);
      }
    };
    // Only stored reports change the answer (a suite's runs writing events do not).
    const unwatch = store.watch('all', (c) => {
      if (c.kind === 'eval') void read();
    });
    void read();
    return () => {
      live = false;
      unwatch();
    };
  }, [store, limit, key]);

  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  if (value?.key !== key) return { status: 'loading', complete: false, refresh };
  return { ...value.state, complete: value.complete, refresh };
}
