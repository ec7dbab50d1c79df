import { suiteRunId } from '@afk/react';
import type { Agent } from 'afk/agents';
import { type EvalCase, runSuite, type SuiteProgress, type SuiteReport } from 'afk/evals';
import { useCallback, useRef, useState } from 'react';
import { runner } from '../runtime';
import { formatRoute } from '../state/route';

/** A suite run in the page: idle, running (with progress), done (the report's link) or failed. */
export type SuiteRunState =
  | { status: 'idle' }
  | { status: 'running'; done: number; total: number; passed: number; failed: number }
  | { status: 'done'; report: SuiteReport; href: string }
  | { status: 'error'; message: string };

/** How many cases a suite in the page runs at once (the page shares its thread with the UI). */
export const DEVTOOLS_SUITE_CONCURRENCY = 2;

/** The `#/evals/<suiteId>@<startedAt>` link of a stored report. */
export function reportHref(report: Pick<SuiteReport, 'suiteId' | 'startedAt'>): string {
  return formatRoute({ view: 'evals', suiteRunId: suiteRunId(report.suiteId, report.startedAt), params: {} });
}

/**
 * Runs a suite in the page with the app's runner (its runs and the report go to the devtools
 * store, so the Runs and Evals views show them), reporting progress after each case. One run at
 * a time per hook; a second `start` while running is ignored.
 *
 * @example
 * const { state, start } = useSuiteRun();
 * start({ name: 'Example suite', cases, agent: (c) => agentOf(c) });
 */
export function useSuiteRun() {
  const [state, setState] = useState<SuiteRunState>({ status: 'idle' });
  const running = useRef(false);
  const start = useCallback(
    async (suite: {
      name: string;
      cases: EvalCase[];
      agent: (c: EvalCase) => Agent;
      concurrency?: number;
    }): Promise<SuiteReport | undefined> => {
      if (running.current) return undefined;
      running.current = true;
      const total = suite.cases.length;
      setState({ status: 'running', done: 0, total, passed: 0, failed: 0 });
      try {
        const report = await runSuite({
          name: suite.name,
          cases: suite.cases,
          agent: suite.agent,
          runner,
          concurrency: suite.concurrency ?? DEVTOOLS_SUITE_CONCURRENCY,
          onProgress: (p: SuiteProgress) =>
            setState({
              status: 'running',
              done: p.done,
              total: p.total,
              passed: p.passed,
              failed: p.failed + p.errored,
            }),
        });
        if (report.warnings?.length) console.warn('[devtools] suite warnings', report.warnings);
        setState({ status: 'done', report, href: reportHref(report) });
        return report;
      } catch (err) {
        setState({ status: 'error', message: err instanceof Error ? err.message : String(err) });
        return undefined;
      } finally {
        running.current = false;
      }
    },
    [],
  );
  return { state, start };
}
