import { z } from 'zod';
import { AfkConfigError, formatIssues, fromZodIssues } from '../errors/index.js';
import type { BaselineComparison, CaseReport } from './models/report.js';
import { SUITE_REPORT_VERSION } from './models/report.js';

const BaselineSchema = z.object({
  version: z.number().int(),
  suiteId: z.string(),
  startedAt: z.number(),
  cases: z.array(z.object({ id: z.string(), passed: z.boolean(), status: z.string().optional() }).loose()),
});

/** The parts of a baseline report a comparison reads. */
export interface BaselineReport {
  version: number;
  suiteId: string;
  startedAt: number;
  cases: Array<{ id: string; passed: boolean; status?: string | undefined }>;
}

/**
 * Validates a baseline (a `SuiteReport`, e.g. parsed from a JSON report file); a newer version or
 * a file that is not a report is an `AfkConfigError` listing every issue.
 */
export function parseBaseline(data: unknown, where = 'baseline'): BaselineReport {
  const parsed = BaselineSchema.safeParse(data);
  if (!parsed.success) {
    const issues = fromZodIssues(parsed.error.issues);
    throw new AfkConfigError(
      'invalid_config',
      `${where} is not an eval suite report:\n${formatIssues(issues)}`,
      { issues },
    );
  }
  if (parsed.data.version > SUITE_REPORT_VERSION) {
    const issues = [
      {
        path: ['version'],
        message: `version ${parsed.data.version} is newer than this AFK reads (${SUITE_REPORT_VERSION})`,
      },
    ];
    throw new AfkConfigError('invalid_config', `${where} comes from a newer AFK:\n${formatIssues(issues)}`, {
      issues,
    });
  }
  return parsed.data;
}

/**
 * Marks each case against the baseline: passing there and not now `regressed`, the other way
 * `improved`, the same outcome `unchanged`, absent from the baseline `new`. Skipped cases (here
 * or there) are `unchanged` only when both skipped, else compared as not passing.
 */
export function compareWithBaseline(cases: CaseReport[], baseline: BaselineReport): BaselineComparison {
  const before = new Map(baseline.cases.map((c) => [c.id, c.passed]));
  const out: BaselineComparison = {
    baselineSuiteId: baseline.suiteId,
    baselineStartedAt: baseline.startedAt,
    regressed: [],
    improved: [],
    unchanged: [],
    new: [],
  };
  for (const c of cases) {
    const was = before.get(c.id);
    const change =
      was === undefined
        ? 'new'
        : was && !c.passed
          ? 'regressed'
          : !was && c.passed
            ? 'improved'
            : 'unchanged';
    c.baseline = change;
    out[change].push(c.id);
  }
  return out;
}
