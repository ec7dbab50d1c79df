import { readFile, writeFile } from 'node:fs/promises';
import type { Environment } from './env.js';
import { fmt } from './stats.js';
import type { SuiteResult, Table, Target } from './suite.js';

export interface Report {
  schema: 1;
  mode: 'full' | 'quick';
  environment: Environment;
  suites: Record<string, SuiteResult | { id: string; error: string }>;
  targets: Target[];
  /** true when every measured target passed; null when nothing could be measured. */
  pass: boolean | null;
}

/** Plain-text table with box-drawing rules; numbers right-aligned. */
export function renderTable(table: Table): string {
  const right = new Set(table.alignRight ?? table.columns.map((_, i) => i).slice(1));
  const widths = table.columns.map((c, i) =>
    Math.max(c.length, ...table.rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' │ ');
  const rule = widths.map((w) => '─'.repeat(w)).join('─┼─');
  return [table.title, line(table.columns), rule, ...table.rows.map(line)].join('\n');
}

function verdict(t: Target): string {
  return t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'FAIL';
}

export function targetsTable(targets: Target[]): Table {
  return {
    title: 'Targets',
    columns: ['target', 'actual', 'limit', 'verdict'],
    rows: targets.map((t) => [
      t.description + (t.note ? ` (${t.note})` : ''),
      t.actual === null ? '—' : `${fmt(t.actual, t.unit === '×' ? 3 : 1)} ${t.unit}`,
      `${t.comparison === '<=' ? '≤' : t.comparison === '>=' ? '≥' : '<'} ${fmt(t.limit, t.unit === '×' ? 2 : 1)} ${t.unit}`,
      verdict(t),
    ]),
    alignRight: [1, 2],
  };
}

function markdownTable(table: Table): string {
  const right = new Set(table.alignRight ?? table.columns.map((_, i) => i).slice(1));
  const esc = (s: string) => s.replaceAll('|', '\\|');
  return [
    `**${table.title}**`,
    '',
    `| ${table.columns.map(esc).join(' | ')} |`,
    `| ${table.columns.map((_, i) => (right.has(i) ? '---:' : '---')).join(' | ')} |`,
    ...table.rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** The results section as Markdown, for the README. */
export function renderMarkdown(report: Report): string {
  const env = report.environment;
  const parts = [
    `Measured ${env.date.slice(0, 10)} on ${env.cpu} (${env.cpuCount} threads), Node ${env.node}, ` +
      `${env.platform}/${env.arch}${env.gitCommit ? `, commit ${env.gitCommit}` : ''}; ` +
      `afk ${env.packages.afk ?? '?'}, @openai/agents ${env.packages['@openai/agents'] ?? '?'}, ` +
      `ai ${env.packages.ai ?? '?'}, zod ${env.packages.zod ?? '?'}, esbuild ${env.packages.esbuild ?? '?'}.`,
  ];
  for (const suite of Object.values(report.suites)) {
    if ('error' in suite) {
      parts.push(`**${suite.id}** failed: ${suite.error}`);
      continue;
    }
    for (const t of suite.tables) parts.push(markdownTable(t));
    for (const n of suite.notes) parts.push(`> ${n}`);
  }
  parts.push(markdownTable(targetsTable(report.targets)));
  return parts.join('\n\n');
}

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

/** Replaces the marked results section of a README; returns false when the markers are missing. */
export async function updateReadme(path: string, markdown: string): Promise<boolean> {
  const text = await readFile(path, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return false;
  await writeFile(path, `${text.slice(0, a + START.length)}\n\n${markdown}\n\n${text.slice(b)}`);
  return true;
}
