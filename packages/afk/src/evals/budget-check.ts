import type { EvalBudget } from './models/case.js';

/** The figures a budget is checked against. */
export interface BudgetFigures {
  durationMs: number;
  costUsd: number;
  totalTokens: number;
  steps: number;
  toolCalls: number;
  llmCalls: number;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(n < 1 ? 6 : 1).replace(/0+$/, ''));

/**
 * Every limit of `budget` the figures exceed, as `"<limit>: <actual> > <max>"`. A limit of 0
 * allows nothing, so `maxDurationMs: 0` is always exceeded (any run takes time).
 */
export function budgetViolations(budget: EvalBudget | undefined, f: BudgetFigures): string[] {
  if (!budget) return [];
  const out: string[] = [];
  const check = (key: keyof EvalBudget, actual: number, unit: string) => {
    const max = budget[key];
    if (max === undefined) return;
    if (actual > max || (key === 'maxDurationMs' && max === 0))
      out.push(`${key}: ${fmt(actual)}${unit} > ${fmt(max)}${unit}`);
  };
  check('maxDurationMs', f.durationMs, ' ms');
  check('maxCostUsd', f.costUsd, ' USD');
  check('maxTotalTokens', f.totalTokens, ' tokens');
  check('maxSteps', f.steps, ' steps');
  check('maxToolCalls', f.toolCalls, ' tool calls');
  check('maxLlmCalls', f.llmCalls, ' LLM calls');
  return out;
}
