import { z } from 'zod';
import type { RunState } from '../../events/records.js';
import { RunStateSchema } from '../../events/records.js';
import type { JSONValue } from '../../internal/json.js';
import { JSONValueSchema } from '../../internal/json.js';
import type { LLMResponse, Message } from '../../llms/types.js';
import { LLMResponseSchema, MessageSchema } from '../../llms/types.js';
import type { Assertion } from './assertion.js';
import { type AssertionSpec, AssertionSpecSchema } from './assertion-spec.js';

/**
 * Limits one case (or, given to `runSuite`, the whole suite) must stay within. A case over its
 * budget fails with a `budgetViolations` entry naming the limit; `maxDurationMs` also aborts the
 * run when the time is up. Per case the figures are the agent run's own (a judge's cost is not
 * charged to the agent); for a suite they are totals over every trial, judge calls included.
 * `0` allows nothing (`maxDurationMs: 0` always fails). All keys optional; no limits by default.
 *
 * @example
 * const budget: EvalBudget = { maxDurationMs: 5_000, maxCostUsd: 0.01, maxSteps: 4 };
 */
export interface EvalBudget {
  maxDurationMs?: number;
  maxCostUsd?: number;
  maxTotalTokens?: number;
  maxSteps?: number;
  maxToolCalls?: number;
  maxLlmCalls?: number;
}

/** Validates an `EvalBudget` (non-negative numbers, no unknown keys). */
export const EvalBudgetSchema = z
  .object({
    maxDurationMs: z.number().nonnegative().optional(),
    maxCostUsd: z.number().nonnegative().optional(),
    maxTotalTokens: z.number().int().nonnegative().optional(),
    maxSteps: z.number().int().nonnegative().optional(),
    maxToolCalls: z.number().int().nonnegative().optional(),
    maxLlmCalls: z.number().int().nonnegative().optional(),
  })
  .strict();

/**
 * A recorded run's model answers, in order: a case carrying it runs against a cassette of these
 * responses instead of the agent's own model (see `caseFromRun`), so it replays offline.
 */
export interface EvalReplay {
  /** The run the responses were recorded from. */
  sourceRunId: string;
  /** The model id the run used (reported by the replaying client). */
  model: string;
  responses: LLMResponse[];
}

export const EvalReplaySchema = z.object({
  sourceRunId: z.string().min(1),
  model: z.string(),
  responses: z.array(LLMResponseSchema),
});

/**
 * One eval case: the input an agent is run on, and what its run must show. `assertions` mixes
 * assertion objects (`toolCalled(...)`, `llmJudge(...)`, `custom(...)`) and their JSON forms
 * (`{ type: 'toolCalled', name: 'search' }`, what a cases file holds). `expected` is free JSON
 * handed to every assertion (the judge reads it as the reference answer). `expectedStates` lists
 * the run states that count as success (default `['completed']`). `repeat` overrides the suite's.
 *
 * @example
 * const c: EvalCase = {
 *   id: 'weather-paris',
 *   input: 'What is the weather in Paris?',
 *   assertions: [toolCalled('get_weather', { city: 'Paris' }), finalTextContains('sunny')],
 *   budget: { maxSteps: 3 },
 *   tags: ['weather'],
 * };
 */
export interface EvalCase {
  id: string;
  input: string | Message[];
  context?: Record<string, JSONValue>;
  expected?: JSONValue;
  assertions?: Array<Assertion | AssertionSpec>;
  budget?: EvalBudget;
  tags?: string[];
  repeat?: number;
  expectedStates?: RunState[];
  /** Set by `caseFromRun`: the model answers to replay instead of calling the agent's model. */
  replay?: EvalReplay;
}

const AssertionObjectSchema = z.custom<Assertion>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Assertion).name === 'string' &&
    typeof (v as Assertion).evaluate === 'function',
  { message: 'expected an assertion (an object with name and evaluate) or an assertion spec' },
);

/**
 * Validates an `EvalCase`: the JSON a cases file holds, or an object built in code (assertion
 * objects pass as they are).
 *
 * @example
 * const c = EvalCaseSchema.parse({ id: 'greets', input: 'hi', assertions: [{ type: 'completed' }] });
 */
export const EvalCaseSchema = z
  .object({
    id: z.string().min(1),
    input: z.union([z.string(), z.array(MessageSchema).min(1)]),
    context: z.record(z.string(), JSONValueSchema).optional(),
    expected: JSONValueSchema.optional(),
    assertions: z
      .array(
        // The object check first: it is one typeof test, while a failed spec parse builds issues
        // (a 1,000-case suite of assertion objects paid ~1 ms for it).
        z.union([AssertionObjectSchema, AssertionSpecSchema], {
          error: 'expected an assertion object or an assertion spec such as { "type": "completed" }',
        }),
      )
      .optional(),
    budget: EvalBudgetSchema.optional(),
    tags: z.array(z.string()).optional(),
    repeat: z.number().int().positive().optional(),
    expectedStates: z.array(RunStateSchema).min(1).optional(),
    replay: EvalReplaySchema.optional(),
  })
  .strict();
