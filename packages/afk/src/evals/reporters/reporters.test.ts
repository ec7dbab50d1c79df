import { describe, expect, it } from 'vitest';
import { Agent } from '../../agents/agent.js';
import { scripted } from '../../llms/providers/scripted.js';
import { custom } from '../assertions/custom.js';
import { finalTextContains } from '../assertions/text.js';
import type { SuiteReport } from '../models/report.js';
import { runSuite } from '../suite.js';
import { researchAgent } from '../test-support/fixtures.js';
import { renderHtml } from './html.js';
import { renderJUnit } from './junit.js';

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e]!);

/** A small strict XML parser (elements, attributes, text, the declaration): enough to read JUnit back. */
function parseXml(xml: string): XmlNode {
  let i = 0;
  const fail = (m: string): never => {
    throw new Error(`${m} at ${i}: ${xml.slice(i, i + 40)}`);
  };
  const ws = () => {
    while (/\s/.test(xml[i] ?? '')) i++;
  };
  if (xml.startsWith('<?xml')) i = xml.indexOf('?>') + 2;
  const element = (): XmlNode => {
    ws();
    if (xml[i] !== '<') fail('expected <');
    i++;
    const name = /^[A-Za-z_][\w.-]*/.exec(xml.slice(i))?.[0] ?? fail('bad name');
    i += name.length;
    const attrs: Record<string, string> = {};
    for (;;) {
      ws();
      if (xml.startsWith('/>', i)) {
        i += 2;
        return { name, attrs, children: [], text: '' };
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      const m = /^([A-Za-z_][\w.-]*)="([^"<]*)"/.exec(xml.slice(i)) ?? fail('bad attribute');
      if (m[1]! in attrs) fail(`duplicate attribute ${m[1]}`);
      attrs[m[1]!] = decode(m[2]!);
      i += m[0].length;
    }
    const children: XmlNode[] = [];
    let text = '';
    for (;;) {
      if (xml.startsWith(`</${name}>`, i)) {
        i += name.length + 3;
        return { name, attrs, children, text: decode(text) };
      }
      if (xml[i] === '<') children.push(element());
      else if (i >= xml.length) fail(`unclosed ${name}`);
      else {
        if (xml[i] === '&' && !/^&(amp|lt|gt|quot|apos);/.test(xml.slice(i))) fail('bare &');
        text += xml[i++];
      }
    }
  };
  const root = element();
  ws();
  if (i !== xml.length) fail('content after the root');
  return root;
}

// The attribute sets of the common JUnit XSD (Jenkins junit-10.xsd).
const ALLOWED: Record<string, string[]> = {
  testsuites: ['name', 'time', 'tests', 'failures', 'disabled', 'errors'],
  testsuite: [
    'name',
    'tests',
    'failures',
    'errors',
    'group',
    'time',
    'disabled',
    'skipped',
    'timestamp',
    'hostname',
    'id',
    'package',
    'file',
    'log',
    'url',
    'version',
  ],
  testcase: [
    'name',
    'assertions',
    'time',
    'classname',
    'status',
    'class',
    'file',
    'line',
    'log',
    'group',
    'url',
  ],
  failure: ['message', 'type'],
  error: ['message', 'type'],
  skipped: ['message'],
  properties: [],
  property: ['name', 'value'],
  'system-out': [],
};
function checkSchema(n: XmlNode) {
  expect(Object.keys(ALLOWED), n.name).toContain(n.name);
  for (const a of Object.keys(n.attrs)) expect(ALLOWED[n.name], `${n.name}@${a}`).toContain(a);
  for (const c of n.children) checkSchema(c);
}

async function mixedReport(): Promise<SuiteReport> {
  let flip = 0;
  const flaky = new Agent({
    name: 'flaky',
    model: scripted(() => ({ text: flip++ % 2 ? 'bad <answer> & "quotes"' : 'good' })),
  });
  const base = researchAgent();
  return runSuite({
    name: 'Mixed & <suite>',
    cases: [
      { id: 'passes', input: 'q' },
      { id: 'run-fails', input: 'explode' },
      { id: 'assert-fails', input: 'q', assertions: [finalTextContains('nowhere')] },
      {
        id: 'assert-throws',
        input: 'q',
        assertions: [
          custom('bug', () => {
            throw new Error('x < y');
          }),
        ],
      },
      { id: 'flaky', input: 'q', repeat: 3, assertions: [finalTextContains('good')] },
    ],
    agent: (c) => (c.id === 'flaky' ? flaky : base),
    concurrency: 1,
    reporters: ['json', 'junit', 'markdown', 'html'],
    store: false,
  });
}

describe('reporters', () => {
  it('behaviour 44: JUnit has one testcase per case and per repeat, failures and errors apart; it parses back with matching counts', async () => {
    const report = await mixedReport();
    const xml = report.outputs.junit!;
    expect(xml).toBe(renderJUnit(report));
    const root = parseXml(xml);
    checkSchema(root);
    expect(root.name).toBe('testsuites');
    const [suite] = root.children;
    expect(suite!.name).toBe('testsuite');
    expect(suite!.attrs.name).toBe('Mixed & <suite>');
    const cases = suite!.children.filter((c) => c.name === 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual([
      'passes',
      'run-fails',
      'assert-fails',
      'assert-throws',
      'flaky [trial 1/3]',
      'flaky [trial 2/3]',
      'flaky [trial 3/3]',
    ]);
    const kind = (c: XmlNode) =>
      c.children.find((k) => k.name === 'failure' || k.name === 'error' || k.name === 'skipped')?.name ??
      'ok';
    expect(cases.map(kind)).toEqual(['ok', 'failure', 'failure', 'error', 'ok', 'failure', 'ok']);
    const failures = cases.filter((c) => kind(c) === 'failure').length;
    const errors = cases.filter((c) => kind(c) === 'error').length;
    for (const n of [root, suite!]) {
      expect(n.attrs).toMatchObject({ tests: '7', failures: String(failures), errors: String(errors) });
      expect(Number(n.attrs.time)).toBeGreaterThan(0);
    }
    expect(suite!.attrs.skipped).toBe('0');
    const runFails = cases[1]!.children.find((k) => k.name === 'failure')!;
    expect(runFails.attrs.type).toBe('run');
    expect(runFails.attrs.message).toContain('the model exploded');
    expect(cases[3]!.children.find((k) => k.name === 'error')!.text).toContain('x < y');
    // XML-escaped text round-trips.
    expect(cases[5]!.children.find((k) => k.name === 'system-out')!.text).toBe('bad <answer> & "quotes"');
  });

  it('JUnit lists skipped cases and survives characters XML cannot hold', async () => {
    const report = await runSuite({
      cases: [
        { id: 'boom\u0001', input: 'explode' },
        { id: 'later', input: 'q' },
      ],
      agent: researchAgent(),
      failFast: true,
      concurrency: 1,
      reporters: ['junit'],
      store: false,
    });
    const suite = parseXml(report.outputs.junit!).children[0]!;
    expect(suite.attrs).toMatchObject({ tests: '2', failures: '1', skipped: '1' });
    expect(suite.children.filter((c) => c.name === 'testcase')[0]!.attrs.name).toBe('boom\uFFFD');
  });

  it('the HTML report is one self-contained file: inline CSS, no scripts, no external URLs, light and dark', async () => {
    const report = await mixedReport();
    const html = report.outputs.html!;
    expect(html).toBe(renderHtml(report));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/(src|href)\s*=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/@import/);
    expect(html).toContain('prefers-color-scheme:dark');
    expect(html).toContain('Mixed &amp; &lt;suite&gt;');
    expect(html).toContain('bad &lt;answer&gt; &amp; &quot;quotes&quot;');
    expect(html).not.toContain('<answer>');
    expect(html.match(/data-testid="eval-case-/g)).toHaveLength(5);
  });

  it('Markdown summarises counts, a case table and why each case failed; JSON is the report', async () => {
    const report = await mixedReport();
    const md = report.outputs.markdown!;
    expect(md).toContain('# Eval report: Mixed & <suite>');
    expect(md).toContain('**FAILED** — 1/5 passed (20.0%), 3 failed, 1 errored');
    expect(md).toContain('| ✅ | `passes` | completed |');
    expect(md).toContain('### 💥 `assert-throws` (errored)');
    expect(md).toContain('stability');
    expect(md).toContain('2/3 passed, 66.7% agree');
    const json = JSON.parse(report.outputs.json!) as SuiteReport;
    expect(json.summary).toEqual(report.summary);
    expect(json).not.toHaveProperty('outputs');
  });
});
