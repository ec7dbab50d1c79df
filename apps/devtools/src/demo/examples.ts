import type { Agent } from 'afk/agents';
import type { LLMClient } from 'afk/llms';
import { calculatorAgent } from './calculator-agent';
import { failingAgent } from './failing-agent';
import { mailerAgent } from './mailer-agent';
import { plannerAgent } from './planner-agent';
import { reporterAgent } from './reporter-agent';

/** One of the playground's example agents. */
export interface ExampleAgent {
  /** Stable id (the picker's value, `data-testid` suffix). */
  id: 'calculator' | 'mailer' | 'reporter' | 'planner' | 'billing';
  label: string;
  /** What it shows: which kinds of span a run of it produces. */
  summary: string;
  /** A prompt that exercises it on the scripted model. */
  prompt: string;
  /** The agent on a model: its own scripted model when `model` is omitted. */
  build(model?: LLMClient): Agent;
}

/** The examples, in picker order: together a first visitor sees every kind of span. */
export const EXAMPLES: readonly ExampleAgent[] = [
  {
    id: 'calculator',
    label: 'Tool-using assistant',
    summary: 'Calls an add tool, streams its answer (llm and tool spans).',
    prompt: 'Add 2 and 3',
    build: (model) => calculatorAgent(model),
  },
  {
    id: 'mailer',
    label: 'Send needs approval',
    summary: 'Looks a contact up, then its send_email call waits in the Approvals inbox (approval span).',
    prompt: 'Send Ada the weekly report',
    build: (model) => mailerAgent(model),
  },
  {
    id: 'reporter',
    label: 'Background job',
    summary: 'Defers a report to a background job; the ticket settles a moment later (background span).',
    prompt: 'Build the Q3 sales report',
    build: (model) => reporterAgent(model),
  },
  {
    id: 'planner',
    label: 'Subagents, parallel tools',
    summary: 'Searches flights and hotels at once, then asks two subagents in parallel (subagent spans).',
    prompt: 'Plan 2 nights in Lisbon',
    build: (model) => plannerAgent(model),
  },
  {
    id: 'billing',
    label: 'Fails',
    summary: 'Its tool throws and the run fails with the error (error spans).',
    prompt: 'Fetch invoice INV-1042',
    build: (model) => failingAgent(model),
  },
];

export type ExampleId = ExampleAgent['id'];

/** The example with this id, or the first one. */
export function exampleById(id: string | undefined): ExampleAgent {
  return EXAMPLES.find((e) => e.id === id) ?? (EXAMPLES[0] as ExampleAgent);
}

/** The example whose root agent has this name (to resume a stored run), if any. */
export function exampleForAgentName(name: string | undefined): ExampleAgent | undefined {
  return EXAMPLES.find((e) => e.build().name === name);
}
