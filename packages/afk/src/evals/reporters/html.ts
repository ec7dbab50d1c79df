import type { AssertionResult } from '../models/assertion.js';
import type { CaseReport, SuiteReport } from '../models/report.js';
import { fmtMs, fmtPct, fmtUsd } from './format.js';

/** Text safe in HTML content and quoted attributes. */
export function htmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;
--pass:#1a7f37;--fail:#cf222e;--err:#9a6700;--skip:#59636e}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--card:#151b23;
--pass:#3fb950;--fail:#f85149;--err:#d29922;--skip:#9198a1}}
*{box-sizing:border-box}body{margin:0;padding:24px;background:var(--bg);color:var(--fg);
font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1100px;margin:0 auto}h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.muted{color:var(--muted)}.verdict{font-weight:700}.passed{color:var(--pass)}.failed{color:var(--fail)}
.errored{color:var(--err)}.skipped{color:var(--skip)}
.cards{display:flex;flex-wrap:wrap;gap:8px;margin:16px 0}.card{background:var(--card);border:1px solid var(--line);
border-radius:6px;padding:8px 12px;min-width:110px}.card b{display:block;font-size:18px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted)}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
details{border:1px solid var(--line);border-radius:6px;margin:8px 0;background:var(--card)}
summary{cursor:pointer;padding:8px 12px;font-weight:600}details>div{padding:0 12px 12px}
ul{margin:4px 0;padding-left:20px}pre{white-space:pre-wrap;word-break:break-word;margin:4px 0;
background:var(--bg);border:1px solid var(--line);border-radius:4px;padding:8px}
`;

const badge = (status: CaseReport['status']) => `<span class="${status}">${status}</span>`;

function assertionItem(a: AssertionResult): string {
  return `<li><span class="${a.passed ? 'passed' : 'failed'}">${a.passed ? '✓' : '✗'}</span> <code>${htmlEscape(a.name)}</code> <span class="muted">(score ${a.score.toFixed(2)})</span> — ${htmlEscape(a.reason)}</li>`;
}

function caseDetails(c: CaseReport): string {
  const parts: string[] = [];
  // The run's error and budget overruns; failed assertions show in the list below.
  const p = [
    ...(c.error ? [`${c.error.code}: ${c.error.message}`] : []),
    ...c.budgetViolations.map((v) => `budget ${v}`),
  ];
  if (!c.passed && p.length) parts.push(`<p>${p.map(htmlEscape).join('<br>')}</p>`);
  if (c.assertions.length) parts.push(`<ul>${c.assertions.map(assertionItem).join('')}</ul>`);
  if (c.stability) {
    parts.push(
      `<p>${c.stability.passedTrials}/${c.stability.trials} trials passed; ${fmtPct(c.stability.agreement)} agree with the majority (${c.stability.majority}).</p>`,
      `<table><thead><tr><th>output</th><th class="num">trials</th></tr></thead><tbody>${c.stability.outputs
        .map(
          (o) =>
            `<tr><td><code>${htmlEscape(o.text.slice(0, 300))}</code></td><td class="num">${o.count}</td></tr>`,
        )
        .join('')}</tbody></table>`,
    );
  }
  if (c.finalText)
    parts.push(`<p class="muted">Final text</p><pre>${htmlEscape(c.finalText.slice(0, 2000))}</pre>`);
  if (c.runId) parts.push(`<p class="muted">Run <code>${htmlEscape(c.runId)}</code></p>`);
  return `<details${c.passed ? '' : ' open'} data-testid="eval-case-${htmlEscape(c.id)}"><summary>${badge(c.status)} <code>${htmlEscape(c.id)}</code></summary><div>${parts.join('')}</div></details>`;
}

/**
 * The report as one self-contained static HTML page: inline CSS, no scripts, no external URLs,
 * readable in light and dark (`prefers-color-scheme`). Summary cards, a table of cases, and a
 * collapsible detail per case (open for the ones that did not pass) with its assertions,
 * stability and final text.
 *
 * @example
 * await writeFile('report.html', renderHtml(report));
 */
export function renderHtml(report: SuiteReport): string {
  const s = report.summary;
  const verdict = report.passed ? 'passed' : 'failed';
  const cards: Array<[string, string]> = [
    ['pass rate', fmtPct(s.passRate)],
    ['passed', String(s.passed)],
    ['failed', String(s.failed)],
    ['errored', String(s.errored)],
    ...(s.skipped ? ([['skipped', String(s.skipped)]] as Array<[string, string]>) : []),
    ['runs', String(s.trials)],
    ['time', fmtMs(report.durationMs)],
    ['tokens', String(report.usage.totalTokens)],
    ['cost', fmtUsd(report.usage.costUsd)],
  ];
  const withBaseline = report.baseline !== undefined;
  const rows = report.cases
    .map(
      (c) =>
        `<tr><td>${badge(c.status)}</td><td><code>${htmlEscape(c.id)}</code></td><td>${htmlEscape(c.state ?? '')}</td>` +
        `<td class="num">${fmtMs(c.durationMs)}</td><td class="num">${c.usage.totalTokens}</td><td class="num">${fmtUsd(c.usage.costUsd)}</td>` +
        `<td>${c.stability ? `${c.stability.passedTrials}/${c.stability.trials}` : ''}</td>` +
        (withBaseline ? `<td>${htmlEscape(c.baseline ?? '')}</td>` : '') +
        '</tr>',
    )
    .join('\n');
  const notes = [
    ...report.budgetViolations.map((v) => `Suite budget exceeded: ${v}`),
    ...(report.baseline
      ? [
          `Against baseline: ${report.baseline.regressed.length} regressed, ${report.baseline.improved.length} improved, ${report.baseline.unchanged.length} unchanged, ${report.baseline.new.length} new`,
        ]
      : []),
    ...(report.warnings ?? []),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Eval report: ${htmlEscape(report.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Eval report: ${htmlEscape(report.name)}</h1>
<p class="muted">${htmlEscape(new Date(report.startedAt).toISOString())} · suite <code>${htmlEscape(report.suiteId)}</code> · <span class="verdict ${verdict}" data-testid="eval-verdict">${verdict.toUpperCase()}</span></p>
<div class="cards">${cards.map(([k, v]) => `<div class="card"><span class="muted">${k}</span><b>${htmlEscape(v)}</b></div>`).join('')}</div>
${notes.map((n) => `<p>${htmlEscape(n)}</p>`).join('\n')}
<table data-testid="eval-cases">
<thead><tr><th>status</th><th>case</th><th>state</th><th class="num">time</th><th class="num">tokens</th><th class="num">cost</th><th>trials</th>${withBaseline ? '<th>baseline</th>' : ''}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
<h2>Cases</h2>
${report.cases.map(caseDetails).join('\n')}
</main>
</body>
</html>
`;
}
