import type { Agent } from 'afk/agents';
import type { EvalCase } from 'afk/evals';
import { exampleForAgentName } from '../demo/examples';
import { AGENT_TAG, caseAgentName } from './case-draft';

/** The playground's example suite: one or two cases per demo agent, on their scripted models. */
export const EXAMPLE_SUITE_NAME = 'Playground examples';

const tag = (agent: string, ...more: string[]) => [`${AGENT_TAG}${agent}`, ...more];

/**
 * The example cases, offline and deterministic (each demo agent on its own scripted model,
 * whatever model the settings name): tool calls with their arguments, final texts, a background
 * job, and a run that is expected to fail.
 */
export const EXAMPLE_CASES: readonly EvalCase[] = [
  {
    id: 'calculator-adds',
    input: 'Add 2 and 3',
    assertions: [
      { type: 'toolCalled', name: 'add', args: { a: 2, b: 3 } },
      { type: 'finalTextContains', text: '5' },
    ],
    tags: tag('calculator'),
  },
  {
    id: 'calculator-decimals',
    input: 'Add 1.5 and 2.25',
    assertions: [
      { type: 'toolSequence', names: ['add'], mode: 'exact' },
      { type: 'finalTextContains', text: '3.75' },
    ],
    tags: tag('calculator'),
  },
  {
    id: 'planner-lisbon',
    input: 'Plan 2 nights in Lisbon',
    assertions: [
      { type: 'toolCalled', name: 'search_flights' },
      { type: 'toolCalled', name: 'search_hotels' },
      { type: 'finalTextContains', text: 'Lisbon' },
    ],
    tags: tag('planner', 'subagents'),
  },
  {
    id: 'reporter-q3',
    input: 'Build the Q3 sales report',
    assertions: [
      { type: 'toolCalled', name: 'build_report', args: { quarter: 'Q3' } },
      { type: 'finalTextContains', text: 'report is ready' },
    ],
    tags: tag('reporter', 'background'),
  },
  {
    id: 'billing-fails-cleanly',
    input: 'Fetch invoice INV-1042',
    expectedStates: ['failed'],
    assertions: [{ type: 'toolCalled', name: 'fetch_invoice', args: { invoiceId: 'INV-1042' } }],
    tags: tag('billing', 'failure'),
  },
];

/** The demo agent a case names with its `agent:` tag (the calculator when it names none we know). */
export function demoAgentFor(c: EvalCase): Agent {
  const example = exampleForAgentName(caseAgentName(c)) ?? exampleForAgentName('calculator');
  if (!example) throw new Error(`no demo agent for case ${c.id}`);
  return example.build();
}
