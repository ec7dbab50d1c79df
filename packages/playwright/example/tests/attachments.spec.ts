import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify, stripVTControlCharacters as strip } from 'node:util';
import { expect, test } from '@playwright/test';

/** The JSON reporter's shape, the parts read here. */
interface JsonReport {
  suites: JsonSuite[];
}
interface JsonSuite {
  suites?: JsonSuite[];
  specs: Array<{
    title: string;
    tests: Array<{
      results: Array<{
        status: string;
        errors: Array<{ message?: string }>;
        attachments: Array<{ name: string; contentType: string; path?: string; body?: string }>;
      }>;
    }>;
  }>;
}

const specs = (s: JsonSuite): JsonSuite['specs'] => [...s.specs, ...(s.suites ?? []).flatMap(specs)];
const content = (a: { path?: string; body?: string }) =>
  a.body !== undefined ? Buffer.from(a.body, 'base64').toString('utf8') : readFileSync(a.path ?? '', 'utf8');

test('failing tests attach their run exports and eval Markdown, with readable messages', async ({
  baseURL,
}, testInfo) => {
  // A whole second Playwright run (its own browser), next to this suite's on a loaded machine.
  test.setTimeout(240_000);
  const here = fileURLToPath(new URL('..', import.meta.url));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      fileURLToPath(import.meta.resolve('@playwright/test/cli')),
      'test',
      '-c',
      'playwright.config.ts',
      '--project',
      'failing',
      '--reporter',
      'json',
      '--workers',
      '1',
      // Slow is not the point here (the machine may be loaded): only a failure by assertion is.
      '--timeout',
      '90000',
      '--output',
      testInfo.outputPath('child'),
    ],
    // The child reuses this suite's server.
    {
      cwd: here,
      env: { ...process.env, AFK_EXAMPLE_URL: baseURL ?? '' },
      maxBuffer: 64 << 20,
      timeout: 220_000,
    },
  ).catch((e: { stdout?: string; code?: number }) => {
    // Failing tests exit 1; anything else is a broken child run.
    expect(e.code).toBe(1);
    return { stdout: e.stdout ?? '' };
  });
  const report = JSON.parse(stdout) as JsonReport;
  const byTitle = new Map(report.suites.flatMap(specs).map((s) => [s.title, s.tests[0]?.results[0]]));

  const matcher = byTitle.get('a run matcher fails');
  expect(matcher?.status).toBe('failed');
  const matcherMessage = strip(matcher?.errors[0]?.message ?? '');
  expect(matcherMessage).toContain('to call add with {"a":2,"b":4}');
  expect(matcherMessage).toContain('Tool calls, in order:\n  1. add {"a":2,"b":3}');
  const runExport = matcher?.attachments.find((a) => /^afk-run-.+\.json$/.test(a.name));
  expect(runExport?.contentType).toBe('application/json');
  const exported = JSON.parse(content(runExport ?? {}));
  expect(exported.format).toBe('afk-run-export');
  expect(exported.runs[0].events.map((e: { type: string }) => e.type)).toContain('tool_started');

  const suite = byTitle.get('an eval suite fails');
  expect(suite?.status).toBe('failed');
  const suiteMessage = strip(suite?.errors[0]?.message ?? '');
  expect(suiteMessage).toContain('Suite "wrong-sum": pass rate 0% (0 of 1 passed), needs at least 100%');
  expect(suiteMessage).toMatch(
    /- expects-six: failed, run completed[\s\S]*✗ finalTextContains\("6"\): the final text "2 \+ 3 = 5\." lacks "6"/,
  );
  const markdown = suite?.attachments.find((a) => a.name === 'afk-eval-wrong-sum.md');
  expect(markdown?.contentType).toBe('text/markdown');
  expect(content(markdown ?? {})).toContain('expects-six');
  // The failed case's run is attached too.
  expect(suite?.attachments.some((a) => /^afk-run-.+\.json$/.test(a.name))).toBe(true);
});
