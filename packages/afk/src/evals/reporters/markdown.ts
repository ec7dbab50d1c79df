import type { CaseReport, SuiteReport } from '../models/report.js';
import { fmtMs, fmtPct, fmtUsd, problems } from './format.js';

const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const ICON: Record<CaseReport['status'], string> = {
  passed: '✅',
  failed: '❌',
  errored: '💥',
  skipped: '⏭️',
};

/**
 * The report as a Markdown summary (a PR comment, a CI job summary, the Playwright attachment):
 * the verdict and counts, a table of cases with their state, time, tokens, cost, stability and
 * baseline change, then why each case that did not pass failed.
 *
 * @example
 * await writeFile(process.env.GITHUB_STEP_SUMMARY!, renderMarkdown(report), { flag: 'a' });
 */
export function renderMarkdown(report: SuiteReport): string {
  const s = report.summary;
  const out: string[] = [];
  out.push(`# Eval report: ${cell(report.name)}`, '');
  out.push(
    `**${report.passed ? 'PASSED' : 'FAILED'}** — ${s.passed}/${s.total - s.skipped} passed (${fmtPct(s.passRate)})` +
      `, ${s.failed} failed, ${s.errored} errored${s.skipped ? `, ${s.skipped} skipped` : ''}` +
      ` · ${s.trials} run${s.trials === 1 ? '' : 's'} in ${fmtMs(report.durationMs)}` +
      ` · ${report.usage.totalTokens} tokens · ${fmtUsd(report.usage.costUsd)}` +
      (report.judgeUsage.costUsd > 0 ? ` (judges ${fmtUsd(report.judgeUsage.costUsd)})` : ''),
    '',
  );
  if (report.budgetViolations.length)
    out.push(`Suite budget exceeded: ${report.budgetViolations.map(cell).join('; ')}`, '');
  if (report.baseline) {
    const b = report.baseline;
    out.push(
      `Against baseline (${new Date(b.baselineStartedAt).toISOString()}): ${b.regressed.length} regressed, ` +
        `${b.improved.length} improved, ${b.unchanged.length} unchanged, ${b.new.length} new` +
        (b.regressed.length ? ` — regressed: ${b.regressed.map((id) => `\`${cell(id)}\``).join(', ')}` : ''),
      '',
    );
  }
  const withStability = report.cases.some((c) => c.stability);
  const withBaseline = report.baseline !== undefined;
  const head = [
    '',
    'case',
    'state',
    'time',
    'tokens',
    'cost',
    ...(withStability ? ['stability'] : []),
    ...(withBaseline ? ['baseline'] : []),
  ];
  out.push(
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i >= 3 && i <= 5 ? ' ---: ' : ' --- ')).join('|')}|`,
  );
  for (const c of report.cases) {
    const row = [
      ICON[c.status],
      `\`${cell(c.id)}\``,
      c.status === 'skipped' ? 'skipped' : (c.state ?? c.status),
      fmtMs(c.durationMs),
      String(c.usage.totalTokens),
      fmtUsd(c.usage.costUsd),
      ...(withStability
        ? [
            c.stability
              ? `${c.stability.passedTrials}/${c.stability.trials} passed, ${fmtPct(c.stability.agreement)} agree`
              : '',
          ]
        : []),
      ...(withBaseline ? [c.baseline ?? ''] : []),
    ];
    out.push(`| ${row.join(' | ')} |`);
  }
  const bad = report.cases.filter((c) => !c.passed && c.status !== 'skipped');
  if (bad.length) {
    out.push('', '## Failures', '');
    for (const c of bad) {
      out.push(`### ${ICON[c.status]} \`${cell(c.id)}\` (${c.status})`, '');
      for (const p of problems(c)) out.push(`- ${cell(p)}`);
      if (c.finalText) out.push('', `Final text: ${cell(c.finalText.slice(0, 500))}`);
      if (c.runId) out.push('', `Run: \`${c.runId}\``);
      out.push('');
    }
  }
  for (const w of report.warnings ?? []) out.push(`> warning: ${cell(w)}`);
  return `${out.join('\n').trimEnd()}\n`;
}
