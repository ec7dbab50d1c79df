import type { CaseReport, TrialReport } from '../models/report.js';

/** `1.23 s` / `45 ms`. */
export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

/** `$0.0012` (4 significant decimals), `$0` for nothing. */
export function fmtUsd(usd: number): string {
  if (usd === 0) return '$0';
  return usd >= 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toPrecision(2)}`;
}

export function fmtPct(rate: number): string {
  return `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)}%`;
}

/** Why a case or trial did not pass, one line per reason. */
export function problems(
  t: Pick<TrialReport | CaseReport, 'error' | 'assertions' | 'budgetViolations' | 'state' | 'status'>,
): string[] {
  const out: string[] = [];
  if (t.error) out.push(`${t.error.code}: ${t.error.message}`);
  for (const v of t.budgetViolations) out.push(`budget ${v}`);
  for (const a of t.assertions) if (!a.passed) out.push(`${a.name}: ${a.reason}`);
  if (!out.length && t.status === 'skipped') out.push('not run');
  return out;
}
