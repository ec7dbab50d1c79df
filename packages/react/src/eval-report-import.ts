import { expandStoredReport, type SuiteReport } from 'afk/evals/models';

/** The result of reading a JSON report: the report, or every problem found (path: message). */
export type ReportImport = { ok: true; report: SuiteReport } | { ok: false; issues: string[] };

/** The newest `SuiteReport` version this dashboard reads (`afk/evals` SUITE_REPORT_VERSION). */
const READABLE_VERSION = 1;
const STATUSES = new Set(['passed', 'failed', 'errored', 'skipped']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates a JSON `SuiteReport` (as written by `afk eval --reporter json` in CI) before it is
 * imported: structure, version, every case's id, status and assertions. Nothing is thrown; a
 * bad file yields the list of issues to show.
 *
 * @example
 * const r = parseSuiteReport(await file.text());
 * if (r.ok) await store.putEvalReport({ suiteId: r.report.suiteId, startedAt: r.report.startedAt, report: r.report });
 */
export function parseSuiteReport(text: string): ReportImport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, issues: [`not JSON: ${e instanceof Error ? e.message : String(e)}`] };
  }
  const issues: string[] = [];
  const need = (
    o: Obj,
    key: string,
    type: 'string' | 'number' | 'boolean' | 'object' | 'array',
    at: string,
  ) => {
    const v = o[key];
    const ok =
      type === 'array'
        ? Array.isArray(v)
        : type === 'object'
          ? isObj(v)
          : typeof v === type && !Number.isNaN(v);
    if (!ok)
      issues.push(
        `${at}${key}: expected ${type}, got ${v === undefined ? 'nothing' : JSON.stringify(v)?.slice(0, 40)}`,
      );
    return ok;
  };
  if (!isObj(data)) return { ok: false, issues: ['the file is not a suite report (expected a JSON object)'] };
  if (need(data, 'version', 'number', '') && (data.version as number) > READABLE_VERSION)
    issues.push(`version: ${String(data.version)} is newer than this dashboard reads (${READABLE_VERSION})`);
  need(data, 'suiteId', 'string', '');
  need(data, 'name', 'string', '');
  need(data, 'startedAt', 'number', '');
  need(data, 'durationMs', 'number', '');
  need(data, 'passed', 'boolean', '');
  if (need(data, 'summary', 'object', '')) {
    const s = data.summary as Obj;
    for (const k of ['total', 'passed', 'failed', 'errored', 'skipped', 'passRate'])
      need(s, k, 'number', 'summary.');
  }
  if (need(data, 'cases', 'array', '')) {
    (data.cases as unknown[]).forEach((c, i) => {
      const at = `cases[${i}].`;
      if (!isObj(c)) {
        issues.push(`cases[${i}]: expected object`);
        return;
      }
      need(c, 'id', 'string', at);
      need(c, 'passed', 'boolean', at);
      if (!STATUSES.has(c.status as string))
        issues.push(`${at}status: expected passed | failed | errored | skipped`);
      need(c, 'durationMs', 'number', at);
      if (need(c, 'assertions', 'array', at)) {
        (c.assertions as unknown[]).forEach((a, j) => {
          const aat = `${at}assertions[${j}].`;
          if (!isObj(a)) issues.push(`${aat.slice(0, -1)}: expected object`);
          else {
            need(a, 'name', 'string', aat);
            need(a, 'score', 'number', aat);
            need(a, 'passed', 'boolean', aat);
          }
        });
      }
      if (c.trials !== undefined && !Array.isArray(c.trials)) issues.push(`${at}trials: expected array`);
      // Optional (reports before they were recorded lack them), typed when present.
      if (c.input !== undefined && typeof c.input !== 'string' && !Array.isArray(c.input))
        issues.push(`${at}input: expected string or messages`);
      if (c.context !== undefined && !isObj(c.context)) issues.push(`${at}context: expected object`);
    });
  }
  if (issues.length > 0) return { ok: false, issues: issues.slice(0, 20) };
  // A report read out of a store (single-trial cases saved without `trials`) imports too.
  const report = expandStoredReport(data as unknown as SuiteReport);
  // Older/partial writers: fill what the dashboard reads so a valid report always renders.
  const zero = { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 };
  const fixed: SuiteReport = {
    ...report,
    usage: isObj(report.usage) ? report.usage : zero,
    judgeUsage: isObj(report.judgeUsage) ? report.judgeUsage : zero,
    budgetViolations: Array.isArray(report.budgetViolations) ? report.budgetViolations : [],
    outputs: {},
    cases: report.cases.map((c) => ({
      ...c,
      tags: Array.isArray(c.tags) ? c.tags : [],
      budgetViolations: Array.isArray(c.budgetViolations) ? c.budgetViolations : [],
      trials: Array.isArray(c.trials) ? c.trials : [],
      usage: isObj(c.usage) ? c.usage : zero,
      judgeUsage: isObj(c.judgeUsage) ? c.judgeUsage : zero,
    })),
  };
  return { ok: true, report: fixed };
}
