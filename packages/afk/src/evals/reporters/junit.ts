import type { CaseReport, SuiteReport, TrialReport } from '../models/report.js';
import { problems } from './format.js';

/** Replaces what XML 1.0 cannot hold at all: control characters other than tab/LF/CR, lone surrogates, U+FFFE/F. */
function xmlChars(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
        continue;
      }
      out += '\uFFFD';
      continue;
    }
    const bad =
      (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) ||
      (c >= 0xdc00 && c <= 0xdfff) ||
      c === 0xfffe ||
      c === 0xffff;
    out += bad ? '\uFFFD' : s[i]!;
  }
  return out;
}

/** Text safe inside an XML element or a quoted attribute. */
export function xmlEscape(s: string): string {
  return xmlChars(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const attr = (name: string, value: string | number) => ` ${name}="${xmlEscape(String(value))}"`;
const secs = (ms: number) => (ms / 1000).toFixed(3);

interface TestCase {
  name: string;
  status: TrialReport['status'];
  ms: number;
  body: Pick<TrialReport, 'error' | 'assertions' | 'budgetViolations' | 'state' | 'status'>;
  out?: string;
}

function testCases(c: CaseReport): TestCase[] {
  if (!c.trials.length) return [{ name: c.id, status: 'skipped', ms: 0, body: c }];
  const n = c.trials.length;
  return c.trials.map((t) => ({
    name: n > 1 ? `${c.id} [trial ${t.trial}/${n}]` : c.id,
    status: t.status,
    ms: t.durationMs,
    body: t,
    ...(t.finalText === undefined ? {} : { out: t.finalText }),
  }));
}

function renderCase(classname: string, t: TestCase): string {
  let s = `    <testcase${attr('classname', classname)}${attr('name', t.name)}${attr('time', secs(t.ms))}`;
  const lines = problems(t.body);
  const inner: string[] = [];
  if (t.status === 'failed') {
    const type = t.body.error ? 'run' : t.body.budgetViolations.length ? 'budget' : 'assertion';
    inner.push(
      `      <failure${attr('message', lines[0] ?? 'failed')}${attr('type', type)}>${xmlEscape(lines.join('\n'))}</failure>`,
    );
  } else if (t.status === 'errored') {
    inner.push(
      `      <error${attr('message', lines[0] ?? 'errored')}${attr('type', t.body.error?.code ?? 'error')}>${xmlEscape(lines.join('\n'))}</error>`,
    );
  } else if (t.status === 'skipped') {
    inner.push(`      <skipped${attr('message', 'not run (fail-fast or suite budget)')}/>`);
  }
  if (t.out !== undefined && t.out !== '') inner.push(`      <system-out>${xmlEscape(t.out)}</system-out>`);
  s += inner.length ? `>\n${inner.join('\n')}\n    </testcase>` : '/>';
  return s;
}

/**
 * The report as JUnit XML (the common `testsuites`/`testsuite`/`testcase` schema CI systems
 * read): one testcase per case, and per trial when a case repeats (`id [trial 2/5]`); a failed
 * run, assertion or budget is a `<failure>`, an errored case (the agent factory, runner or an
 * assertion threw) an `<error>`, a case not run `<skipped/>`. The final text is `<system-out>`.
 *
 * @example
 * await writeFile('junit.xml', renderJUnit(report));
 */
export function renderJUnit(report: SuiteReport): string {
  const all = report.cases.flatMap(testCases);
  const count = (s: TrialReport['status']) => all.filter((t) => t.status === s).length;
  // Attribute sets of the common JUnit XSD (Jenkins' junit-10.xsd): `skipped` is a testsuite
  // attribute only.
  const totals =
    attr('tests', all.length) + attr('failures', count('failed')) + attr('errors', count('errored'));
  const time = attr('time', secs(report.durationMs));
  const stamp = new Date(report.startedAt).toISOString().replace(/\.\d{3}Z$/, '');
  const props = [
    ['suiteId', report.suiteId],
    ['passRate', String(report.summary.passRate)],
    ['costUsd', String(report.usage.costUsd)],
    ['totalTokens', String(report.usage.totalTokens)],
    ['passed', String(report.passed)],
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attr('name', report.name)}${totals}${time}>`,
    `  <testsuite${attr('name', report.name)}${totals}${attr('skipped', count('skipped'))}${time}${attr('timestamp', stamp)}${attr('hostname', 'afk')}${attr('id', 0)}${attr('package', report.suiteId)}>`,
    '    <properties>',
    ...props.map(([k, v]) => `      <property${attr('name', k!)}${attr('value', v!)}/>`),
    '    </properties>',
    ...all.map((t) => renderCase(report.name, t)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
