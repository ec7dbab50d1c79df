import type { ReporterName, SuiteReport } from '../models/report.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJUnit } from './junit.js';
import { renderMarkdown } from './markdown.js';

/** Each reporter by name. */
export const REPORTERS: Record<ReporterName, (report: SuiteReport) => string> = {
  json: renderJson,
  junit: renderJUnit,
  markdown: renderMarkdown,
  html: renderHtml,
};

/** The file name each reporter's output is written to by `afk eval --out`. */
export const REPORT_FILES: Record<ReporterName, string> = {
  json: 'report.json',
  junit: 'junit.xml',
  markdown: 'report.md',
  html: 'report.html',
};

/**
 * Renders the report with each named reporter.
 *
 * @example
 * const { junit, html } = renderReports(report, ['junit', 'html']);
 */
export function renderReports(
  report: SuiteReport,
  names: readonly ReporterName[],
): Partial<Record<ReporterName, string>> {
  const out: Partial<Record<ReporterName, string>> = {};
  for (const n of new Set(names)) out[n] = REPORTERS[n](report);
  return out;
}
