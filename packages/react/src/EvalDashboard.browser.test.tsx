import type { CaseReport, SuiteReport } from 'afk/evals/models';
import { DexieStore, InMemoryStore } from 'afk/memory';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { AfkProvider } from './context.js';
import { EvalDashboard } from './EvalDashboard.js';
import './styles.css';

const usage = (costUsd: number) => ({ inputTokens: 10, outputTokens: 5, totalTokens: 15, costUsd });

function kase(id: string, status: CaseReport['status'], extra: Partial<CaseReport> = {}): CaseReport {
  const passed = status === 'passed';
  return {
    id,
    tags: [],
    status,
    passed,
    assertions: [
      {
        name: 'finalTextContains',
        score: passed ? 1 : 0,
        passed,
        reason: passed ? 'found "Paris"' : 'no "Paris" in "Lyon"',
      },
    ],
    budgetViolations: [],
    durationMs: 100,
    usage: usage(0.01),
    judgeUsage: usage(0),
    runId: `run-${id}`,
    finalText: passed ? 'Paris' : 'Lyon',
    trials: [],
    ...extra,
  };
}

function report(startedAt: number, cases: CaseReport[]): SuiteReport {
  const passed = cases.filter((c) => c.passed).length;
  const failed = cases.filter((c) => c.status === 'failed').length;
  const errored = cases.filter((c) => c.status === 'errored').length;
  return {
    version: 1,
    suiteId: 'capitals',
    name: 'capitals',
    startedAt,
    durationMs: 500,
    passed: passed === cases.length,
    summary: {
      total: cases.length,
      passed,
      failed,
      errored,
      skipped: 0,
      passRate: passed / cases.length,
      trials: cases.length,
    },
    usage: usage(0.03),
    judgeUsage: usage(0),
    budgetViolations: [],
    cases,
    outputs: {},
  };
}

async function storeWithTwoRuns() {
  const store = new InMemoryStore();
  const first = report(1_000, [kase('france', 'passed'), kase('spain', 'passed'), kase('italy', 'failed')]);
  const second = report(2_000, [
    kase('france', 'failed', {
      budgetViolations: ['cost 0.02 > maxCostUsd 0.01'],
      input: 'What is the capital of France?',
      expected: { answer: 'Paris' },
      context: { locale: 'en' },
    }),
    kase('spain', 'passed', {
      trials: [1, 2, 3].map((trial) => ({
        trial,
        status: 'passed' as const,
        passed: true,
        assertions: [],
        budgetViolations: [],
        durationMs: 50,
        usage: usage(0),
        judgeUsage: usage(0),
        runId: `run-spain-${trial}`,
      })),
      stability: {
        trials: 3,
        passedTrials: 3,
        majority: 'passed',
        agreement: 1,
        outputs: [
          { text: 'Madrid', count: 2 },
          { text: 'Madrid.', count: 1 },
        ],
      },
    }),
    kase('italy', 'errored', {
      error: { code: 'agent_factory', message: 'factory threw' },
    }),
  ]);
  for (const r of [first, second])
    await store.putEvalReport({
      suiteId: r.suiteId,
      startedAt: r.startedAt,
      report: JSON.parse(JSON.stringify(r)),
    });
  return store;
}

let container: HTMLDivElement;
let root: Root;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
});
afterEach(() => {
  root.unmount();
  container.remove();
});

const q = <T extends Element = HTMLElement>(sel: string) => container.querySelector<T>(sel);
async function until<T>(f: () => T | null | undefined | false): Promise<T> {
  await expect.poll(() => Boolean(f()), { timeout: 3000 }).toBe(true);
  return f() as T;
}

describe('EvalDashboard', () => {
  it('shows the empty state and imports a valid report, rejecting a malformed one', async () => {
    const store = new InMemoryStore();
    root = createRoot(container);
    root.render(
      <AfkProvider store={store}>
        <EvalDashboard />
      </AfkProvider>,
    );
    const empty = await until(() => q('[data-testid="eval-empty"]'));
    expect(empty.textContent).toContain('No eval suites yet');

    const input = await until(() => q<HTMLInputElement>('[data-testid="eval-import"]'));
    const bad = new File([JSON.stringify({ version: 1, suiteId: 'x', cases: [{ id: 3 }] })], 'bad.json', {
      type: 'application/json',
    });
    await userEvent.upload(input, bad);
    const alert = await until(() => q('[data-testid="eval-import-result"][role="alert"]'));
    expect(alert.textContent).toContain('bad.json was not imported');
    expect(alert.textContent).toContain('cases[0].id: expected string');
    expect(alert.textContent).toContain('summary: expected object');
    expect(await store.listEvalReports()).toEqual([]);

    const good = report(5_000, [kase('france', 'passed')]);
    await userEvent.upload(
      q<HTMLInputElement>('[data-testid="eval-import"]') as HTMLInputElement,
      new File([JSON.stringify(good)], 'ci.json'),
    );
    await until(() => q('[data-testid="eval-matrix"]'));
    expect((await store.listEvalReports()).map((r) => r.suiteId)).toEqual(['capitals']);
    expect(q('[data-testid="eval-pass-rate"]')?.textContent).toBe('100% (1/1)');
  });

  it('renders the matrix, filters it and drills into a cell', async () => {
    const store = await storeWithTwoRuns();
    root = createRoot(container);
    root.render(
      <AfkProvider store={store}>
        <EvalDashboard />
      </AfkProvider>,
    );
    const matrix = await until(() => q('[data-testid="eval-matrix"]'));
    expect([...matrix.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual([
      'case',
      'run 1',
      'run 2',
    ]);
    const rowText = (id: string) =>
      q(`[data-testid="eval-row-${id}"]`)?.textContent?.replace(/\s+/g, ' ').trim();
    expect(rowText('france')).toBe('france✓ 1.0✗ 0.0 regressed');
    expect(rowText('italy')).toBe('italy✗ 0.0! 0.0');
    expect(q('[data-testid="eval-pass-rate"]')?.textContent).toBe('33.3% (1/3)');
    expect(q('[data-testid="eval-regressions"]')?.textContent).toContain('1 regression vs previous run');
    expect(q('[data-testid="eval-trend"] svg')?.getAttribute('aria-label')).toBe(
      'pass rate over 2 runs: 67%, 33%',
    );

    await userEvent.click(q('[data-testid="eval-filter-failures"]') as HTMLElement);
    expect(
      [...container.querySelectorAll('[data-testid^="eval-row-"]')].map((r) => r.getAttribute('data-testid')),
    ).toEqual(['eval-row-france']);
    await userEvent.click(q('[data-testid="eval-filter-errors"]') as HTMLElement);
    expect(
      [...container.querySelectorAll('[data-testid^="eval-row-"]')].map((r) => r.getAttribute('data-testid')),
    ).toEqual(['eval-row-italy']);
    await userEvent.click(q('[data-testid="eval-filter-changed"]') as HTMLElement);
    expect(container.querySelectorAll('[data-testid^="eval-row-"]').length).toBe(2);

    await userEvent.click(q('[data-testid="eval-filter-all"]') as HTMLElement);
    await userEvent.click(q('button[aria-label="france run 2: failed, regressed"]') as HTMLElement);
    const detail = await until(() => q('[data-testid="eval-case-detail"]'));
    expect(detail.textContent).toContain('Lyon');
    expect(q('[data-testid="eval-case-input"]')?.textContent).toBe('inputWhat is the capital of France?');
    expect(q('[data-testid="eval-case-expected"]')?.textContent).toContain('"answer": "Paris"');
    expect(q('[data-testid="eval-case-context"]')?.textContent).toContain('"locale": "en"');
    expect(q('[data-testid="eval-case-output"]')?.textContent).toBe('outputLyon');
    expect(q('[data-testid="eval-assertions"]')?.textContent).toContain('no "Paris" in "Lyon"');
    expect(q('[data-testid="eval-budget-violations"]')?.textContent).toContain('maxCostUsd');
    expect(q('[data-testid="eval-case-run-link"]')?.getAttribute('href')).toBe('#/runs/run-france');

    await userEvent.click(q('button[aria-label="spain run 2: passed"]') as HTMLElement);
    const repeats = await until(() => q('[data-testid="eval-repeats"]'));
    expect(repeats.textContent).toContain('×2Madrid');
    expect(q('[data-testid="eval-case-detail"]')?.textContent).toContain('stability 100%');
    // An old report (no input/expected recorded) shows no such fields, the rest as before.
    expect(q('[data-testid="eval-case-input"]')).toBeNull();
  });

  it('shows a long suite name whole and fills the width beside a short matrix', async () => {
    const store = new InMemoryStore();
    const long = 'Playground examples over every demo agent with scripted models (nightly regression)';
    const r = { ...report(1_000, [kase('france', 'passed')]), suiteId: 'long', name: long };
    await store.putEvalReport({
      suiteId: r.suiteId,
      startedAt: r.startedAt,
      report: JSON.parse(JSON.stringify(r)),
    });
    container.style.width = '1100px';
    root = createRoot(container);
    root.render(
      <AfkProvider store={store}>
        <EvalDashboard />
      </AfkProvider>,
    );
    await until(() => q('[data-testid="eval-matrix"]'));
    const suite = q<HTMLButtonElement>('nav[aria-label="Eval suites"] button') as HTMLButtonElement;
    expect(suite.title).toBe(long);
    const name = suite.querySelector('.afk-eval-suite-name') as HTMLElement;
    expect(name.textContent).toBe(long);
    // Wrapped over several lines, nothing clipped.
    expect(name.getBoundingClientRect().height).toBeGreaterThan(30);
    expect(suite.scrollWidth).toBeLessThanOrEqual(suite.clientWidth);
    expect(suite.scrollHeight).toBeLessThanOrEqual(suite.clientHeight);
    // Before a cell is picked, a hint takes the width beside the matrix; the case replaces it.
    const hint = q('[data-testid="eval-case-hint"]') as HTMLElement;
    const body = q('.afk-eval-body') as HTMLElement;
    expect(body.getBoundingClientRect().right - hint.getBoundingClientRect().right).toBeLessThan(4);
    expect(hint.getBoundingClientRect().width).toBeGreaterThan(300);
    await userEvent.click(q('button[aria-label="france run 1: passed"]') as HTMLElement);
    await until(() => q('[data-testid="eval-case-detail"]'));
    expect(q('[data-testid="eval-case-hint"]')).toBeNull();
    // Every control carries a class of its own (no reliance on a host page's element rules).
    const bare = [...container.querySelectorAll('button, input:not([type="file"]), select, textarea')].filter(
      (el) => !/(^|\s)afk-/.test(el.className),
    );
    expect(bare.map((el) => el.outerHTML.slice(0, 80))).toEqual([]);
  });

  it('updates live when a report is stored, also from another DexieStore connection (another tab)', async () => {
    const name = `afk-evals-live-${Math.random().toString(36).slice(2)}`;
    const writer = new DexieStore({ name });
    const reader = new DexieStore({ name });
    try {
      const put = (store: DexieStore, r: SuiteReport) =>
        store.putEvalReport({
          suiteId: r.suiteId,
          startedAt: r.startedAt,
          report: JSON.parse(JSON.stringify(r)),
        });
      await put(reader, report(1_000, [kase('france', 'passed')]));
      root = createRoot(container);
      root.render(
        <AfkProvider store={reader}>
          <EvalDashboard />
        </AfkProvider>,
      );
      await until(() => q('[data-testid="eval-matrix"]'));
      const columns = () => [...container.querySelectorAll('[data-testid="eval-matrix"] thead th')].length;
      expect(columns()).toBe(2);
      // Written through the other connection: only the change feed can tell this one.
      await put(writer, report(2_000, [kase('france', 'failed')]));
      await until(() => columns() === 3);
      expect(q('[data-testid="eval-pass-rate"]')?.textContent).toBe('0% (0/1)');
      await put(reader, report(3_000, [kase('france', 'passed')]));
      await until(() => columns() === 4);
    } finally {
      root.unmount();
      root = createRoot(container);
      await writer.close();
      await reader.close();
      indexedDB.deleteDatabase(name);
    }
  });
});
