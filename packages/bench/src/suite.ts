/**
 * The contract every benchmark suite follows, so `index.ts` can run, print and record suites it
 * knows nothing else about (including optional ones another package adds later).
 */

/** A printed table: `rows` are already formatted cells, one string per column. */
export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
  /** Columns to right-align (numbers); defaults to every column but the first. */
  alignRight?: number[];
}

/** One pass/fail target. `pass` is null when the figure could not be measured. */
export interface Target {
  id: string;
  description: string;
  actual: number | null;
  limit: number;
  /** How `actual` compares with `limit` (`>=`: a floor, e.g. a speed-up). */
  comparison: '<=' | '<' | '>=';
  unit: string;
  pass: boolean | null;
  note?: string;
}

export interface SuiteResult {
  id: string;
  title: string;
  tables: Table[];
  targets: Target[];
  /** Raw figures for the JSON file. */
  data: unknown;
  notes: string[];
}

export interface SuiteContext {
  /** Fewer repetitions, for smoke tests; figures are indicative only. */
  quick: boolean;
  /** Progress output (stderr), kept apart from the result tables. */
  log: (message: string) => void;
}

export interface Suite {
  id: string;
  title: string;
  run(ctx: SuiteContext): Promise<SuiteResult>;
}

/** Builds a target, deciding `pass` from `actual` (null when unmeasured). */
export function target(t: Omit<Target, 'pass'>): Target {
  const pass =
    t.actual === null
      ? null
      : t.comparison === '<='
        ? t.actual <= t.limit
        : t.comparison === '>='
          ? t.actual >= t.limit
          : t.actual < t.limit;
  return { ...t, pass };
}

/** A suite that could not run (e.g. no Chromium): its targets reported unmeasured, with why. */
export function skippedSuite(id: string, title: string, targets: Target[], reason: string): SuiteResult {
  return {
    id,
    title,
    tables: [],
    targets,
    data: { skipped: reason },
    notes: [`${title} skipped: ${reason}`],
  };
}
