import { z } from 'zod';
import type { JSONValue } from '../../internal/json.js';
import { JSONValueSchema } from '../../internal/json.js';

/**
 * The JSON form of an assertion, for cases files: `{ "type": "<assertion name>", ...its options }`.
 * Each maps to the function of the same name (`toolCalled`, `finalTextContains`, ...); `llmJudge`
 * names its model by string (`"openai:gpt-4.1-mini"`, resolved like an agent's model).
 * `outputMatchesSchema` takes a JSON Schema here (a zod schema in code).
 *
 * @example
 * const specs: AssertionSpec[] = [
 *   { type: 'toolSequence', names: ['search', 'answer'], mode: 'in_order' },
 *   { type: 'finalTextContains', text: 'Paris' },
 * ];
 */
export type AssertionSpec =
  | { type: 'completed' }
  | { type: 'finalTextContains'; text: string | string[]; caseSensitive?: boolean }
  | { type: 'finalTextEquals'; text: string; trim?: boolean }
  | { type: 'finalTextMatches'; pattern: string; flags?: string }
  | { type: 'outputMatchesSchema'; schema: { [key: string]: JSONValue } }
  | {
      type: 'toolCalled';
      name: string;
      args?: JSONValue;
      partial?: boolean;
      ignoreKeys?: string[];
      times?: number;
    }
  | { type: 'toolNotCalled'; name: string }
  | { type: 'toolSequence'; names: string[]; mode?: 'in_order' | 'exact' }
  | { type: 'eventTypes'; golden: string | string[]; update?: boolean }
  | { type: 'costAtMost'; usd: number }
  | { type: 'tokensAtMost'; tokens: number }
  | { type: 'stepsAtMost'; steps: number }
  | { type: 'latencyAtMost'; ms: number }
  | { type: 'llmJudge'; rubric: string; model: string; threshold?: number };

const nonNeg = z.number().nonnegative();

/** Validates an `AssertionSpec` (unknown `type` or options are refused with the path named). */
export const AssertionSpecSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('completed') }).strict(),
  z
    .object({
      type: z.literal('finalTextContains'),
      text: z.union([z.string(), z.array(z.string()).min(1)]),
      caseSensitive: z.boolean().optional(),
    })
    .strict(),
  z.object({ type: z.literal('finalTextEquals'), text: z.string(), trim: z.boolean().optional() }).strict(),
  z
    .object({
      type: z.literal('finalTextMatches'),
      pattern: z.string(),
      flags: z
        .string()
        .regex(/^[dgimsuvy]*$/, 'regular expression flags are some of d g i m s u v y')
        .optional(),
    })
    .strict(),
  z
    .object({ type: z.literal('outputMatchesSchema'), schema: z.record(z.string(), JSONValueSchema) })
    .strict(),
  z
    .object({
      type: z.literal('toolCalled'),
      name: z.string().min(1),
      args: JSONValueSchema.optional(),
      partial: z.boolean().optional(),
      ignoreKeys: z.array(z.string()).optional(),
      times: z.number().int().nonnegative().optional(),
    })
    .strict(),
  z.object({ type: z.literal('toolNotCalled'), name: z.string().min(1) }).strict(),
  z
    .object({
      type: z.literal('toolSequence'),
      names: z.array(z.string().min(1)),
      mode: z.enum(['in_order', 'exact']).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('eventTypes'),
      golden: z.union([z.string().min(1), z.array(z.string())]),
      update: z.boolean().optional(),
    })
    .strict(),
  z.object({ type: z.literal('costAtMost'), usd: nonNeg }).strict(),
  z.object({ type: z.literal('tokensAtMost'), tokens: nonNeg }).strict(),
  z.object({ type: z.literal('stepsAtMost'), steps: nonNeg }).strict(),
  z.object({ type: z.literal('latencyAtMost'), ms: nonNeg }).strict(),
  z
    .object({
      type: z.literal('llmJudge'),
      rubric: z.string().min(1),
      model: z.string().min(1),
      threshold: z.number().min(0).max(1).optional(),
    })
    .strict(),
]);
