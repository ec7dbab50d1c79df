// Screenshots of the Evals view in light and dark, with two imported reports:
// node scripts/screens-dashboard.mjs [port]. Needs `vite preview` of apps/devtools on the port.
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright';

const port = Number(process.argv[2] ?? 4393);
const out = '/tmp/screens-dashboard';
mkdirSync(out, { recursive: true });
const usage = (c) => ({ inputTokens: 10, outputTokens: 5, totalTokens: 15, costUsd: c });
const kase = (id, status, x = {}) => ({
  id,
  tags: [],
  status,
  passed: status === 'passed',
  durationMs: 300 + id.length * 90,
  assertions: [
    {
      name: 'completed',
      score: status === 'errored' ? 0 : 1,
      passed: status !== 'errored',
      reason: status === 'errored' ? 'no run' : 'run completed',
    },
    {
      name: 'finalTextContains("Paris")',
      score: status === 'passed' ? 1 : 0,
      passed: status === 'passed',
      reason: status === 'passed' ? 'found "Paris"' : 'no "Paris" in the final text',
    },
  ],
  budgetViolations: [],
  usage: usage(0.004),
  judgeUsage: usage(0),
  runId: `run_${id}`,
  finalText: status === 'passed' ? 'The capital of France is Paris.' : 'The capital of France is Lyon.',
  trials: [],
  ...x,
});
const rep = (startedAt, cases) => {
  const passed = cases.filter((c) => c.passed).length;
  return {
    version: 1,
    suiteId: 'capitals',
    name: 'capitals',
    startedAt,
    durationMs: 4200,
    passed: passed === cases.length,
    summary: {
      total: cases.length,
      passed,
      failed: cases.filter((c) => c.status === 'failed').length,
      errored: cases.filter((c) => c.status === 'errored').length,
      skipped: 0,
      passRate: passed / cases.length,
      trials: cases.length,
    },
    usage: usage(0.041),
    judgeUsage: usage(0),
    budgetViolations: [],
    cases,
    outputs: {},
  };
};
const ids = ['in-order', 'exact-seq', 'budget-cost', 'france', 'spain-repeat', 'italy'];
const runs = [
  rep(
    Date.UTC(2026, 10, 30, 9),
    ids.map((id) => kase(id, id === 'budget-cost' ? 'failed' : 'passed')),
  ),
  rep(
    Date.UTC(2026, 11, 1, 9),
    ids.map((id) => kase(id, id === 'budget-cost' || id === 'italy' ? 'failed' : 'passed')),
  ),
  rep(
    Date.UTC(2026, 11, 2, 0, 30),
    ids.map((id) =>
      id === 'exact-seq'
        ? kase(id, 'failed')
        : id === 'budget-cost'
          ? kase(id, 'failed', { budgetViolations: ['cost $0.012 > maxCostUsd $0.01'] })
          : id === 'italy'
            ? kase(id, 'errored', {
                error: { code: 'agent_factory', message: 'the agent factory threw: no model' },
                finalText: undefined,
              })
            : id === 'spain-repeat'
              ? kase(id, 'passed', {
                  stability: {
                    trials: 5,
                    passedTrials: 5,
                    majority: 'passed',
                    agreement: 1,
                    outputs: [
                      { text: 'Madrid', count: 4 },
                      { text: 'Madrid.', count: 1 },
                    ],
                  },
                  trials: [1, 2, 3, 4, 5].map((t) => ({
                    trial: t,
                    status: 'passed',
                    passed: true,
                    assertions: [],
                    budgetViolations: [],
                    durationMs: 200,
                    usage: usage(0),
                    judgeUsage: usage(0),
                    runId: `run_spain_${t}`,
                  })),
                })
              : kase(id, 'passed'),
    ),
  ),
];
const files = runs.map((r, i) => {
  const f = `${out}/report-${i}.json`;
  writeFileSync(f, JSON.stringify(r));
  return f;
});
writeFileSync(`${out}/bad.json`, JSON.stringify({ version: 1, suiteId: 'x', cases: [{ id: 3 }] }));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const base = `http://127.0.0.1:${port}`;
let seeded = false;
const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
for (const scheme of ['light', 'dark']) {
  const page = await context.newPage();
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(`${base}/#/evals`);
  await page.waitForSelector('[data-testid="eval-dashboard"]');
  if (!seeded) {
    await page.screenshot({ path: `${out}/empty-${scheme}.png` });
    for (const [i, f] of files.entries()) {
      await page.setInputFiles('[data-testid="eval-import"]', f);
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-testid="eval-matrix"] thead th').length === n,
        i + 2,
      );
    }
    seeded = true;
  }
  await page.goto(`${base}/#/evals/capitals@${runs[2].startedAt}?case=exact-seq`);
  await page.waitForSelector('[data-testid="eval-case-detail"]');
  await page.screenshot({ path: `${out}/evals-${scheme}.png` });
  await page.goto(`${base}/#/evals/capitals@${runs[2].startedAt}?filter=failures&case=spain-repeat`);
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${out}/failures-${scheme}.png` });
  await page.goto(`${base}/#/evals/capitals@${runs[2].startedAt}?case=spain-repeat`);
  await page.waitForSelector('[data-testid="eval-repeats"]');
  await page.setInputFiles('[data-testid="eval-import"]', `${out}/bad.json`);
  await page.waitForSelector('[data-testid="eval-import-result"][role="alert"]');
  await page.screenshot({ path: `${out}/repeats-bad-import-${scheme}.png` });
  await page.close();
}
await browser.close();
console.log('screens in', out);
