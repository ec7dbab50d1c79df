import type { SuiteReport } from '../models/report.js';

/**
 * The report as JSON text (the source of truth; `outputs` left out): what `--baseline` reads back.
 *
 * @example
 * await writeFile('report.json', renderJson(report));
 */
export function renderJson(report: SuiteReport): string {
  const { outputs: _outputs, ...rest } = report;
  return `${JSON.stringify(rest, null, 2)}\n`;
}
