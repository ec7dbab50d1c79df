// What `afk eval` prints: progress while the suite runs (a bar redrawn in place on a TTY, one
// line per case otherwise) on stderr, then the summary table and the cases that did not pass.
import type { SuiteProgress, SuiteReport } from '../evals/index.js';
import { formatCount, formatDuration, formatUsd, preview } from './format.js';
import type { Sink } from './live-view.js';
import type { Style } from './style.js';

export class EvalProgress {
  private drawn = false;
  constructor(
    private readonly out: Sink,
    private readonly style: Style,
    private readonly tty: boolean,
  ) {}

  update(p: SuiteProgress): void {
    const s = this.style;
    if (this.tty) {
      const width = 24;
      const filled = p.total ? Math.round((p.done / p.total) * width) : width;
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      const bad = p.failed + p.errored;
      this.out.write(
        `\r\x1b[2K${s.cyan(bar)} ${p.done}/${p.total}  ${s.green(`${p.passed} passed`)}${bad ? `  ${s.red(`${bad} not passed`)}` : ''}  ${s.dim(preview(p.caseId, 40))}`,
      );
      this.drawn = true;
      return;
    }
    this.out.write(`[${p.done}/${p.total}] ${p.caseId} ${p.status}\n`);
  }

  end(): void {
    if (this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }
}

const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - s.length));

/** The summary table, the cases that did not pass (with why), baseline changes and warnings. */
export function printSummary(out: Sink, style: Style, report: SuiteReport): void {
  const s = report.summary;
  const rows: Array<[string, string]> = [
    ['cases', formatCount(s.total)],
    ['passed', style.green(formatCount(s.passed))],
    ['failed', s.failed ? style.red(formatCount(s.failed)) : '0'],
    ['errored', s.errored ? style.yellow(formatCount(s.errored)) : '0'],
    ...(s.skipped ? ([['skipped', formatCount(s.skipped)]] as Array<[string, string]>) : []),
    ['pass rate', `${(s.passRate * 100).toFixed(1)}%`],
    ['runs', formatCount(s.trials)],
    ['time', formatDuration(report.durationMs)],
    ['tokens', formatCount(report.usage.totalTokens)],
    [
      'cost',
      `${formatUsd(report.usage.costUsd)}${report.judgeUsage.costUsd > 0 ? ` (judges ${formatUsd(report.judgeUsage.costUsd)})` : ''}`,
    ],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  out.write(`${style.bold(`eval ${report.name}`)}\n`);
  for (const [k, v] of rows) out.write(`  ${pad(k, w)}  ${v}\n`);
  const bad = report.cases.filter((c) => !c.passed && c.status !== 'skipped');
  if (bad.length) {
    out.write(`\n${style.bold('not passed:')}\n`);
    for (const c of bad.slice(0, 50)) {
      const why =
        c.error?.message ??
        c.budgetViolations[0] ??
        c.assertions.find((a) => !a.passed)?.reason ??
        (c.stability ? `${c.stability.passedTrials}/${c.stability.trials} trials passed` : c.status);
      const tag = c.status === 'errored' ? style.yellow('errored') : style.red('failed ');
      out.write(`  ${tag} ${c.id}: ${preview(why, 140)}\n`);
    }
    if (bad.length > 50) out.write(style.dim(`  … and ${bad.length - 50} more (see the reports)\n`));
  }
  if (report.baseline) {
    const b = report.baseline;
    out.write(
      `\nagainst baseline: ${b.regressed.length ? style.red(`${b.regressed.length} regressed`) : '0 regressed'}, ${b.improved.length} improved, ${b.unchanged.length} unchanged, ${b.new.length} new\n`,
    );
    for (const id of b.regressed.slice(0, 20)) out.write(`  ${style.red('regressed')} ${id}\n`);
  }
  for (const v of report.budgetViolations) out.write(`${style.red('suite budget exceeded:')} ${v}\n`);
  for (const warn of report.warnings ?? []) out.write(`${style.yellow('warning:')} ${warn}\n`);
  out.write(`\n${report.passed ? style.green('PASSED') : style.red('FAILED')}\n`);
}
