import { type ZodType, z } from 'zod';
import { type AfkIssue, AfkLLMError, fromZodIssues } from '../errors/index.js';
import type { JSONSchema } from '../internal/json.js';
import type { LLMCallOptions, LLMClient, LLMRequest, LLMResponse, LLMUsage } from './types.js';

/**
 * The `responseFormat` of a request for a zod schema (`z.toJSONSchema`, `$schema` dropped).
 *
 * @example
 * const req = { model: 'm', messages, responseFormat: responseFormatFor(z.object({ city: z.string() }), 'place') };
 */
export function responseFormatFor(
  schema: ZodType,
  name = 'output',
): NonNullable<LLMRequest['responseFormat']> {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema) as JSONSchema;
  return { type: 'json_schema', name, schema: json };
}

/** Result of checking a model's text against a schema. */
export type StructuredParse<T> = { ok: true; value: T } | { ok: false; problem: string; issues: AfkIssue[] };

/**
 * Parses model text as JSON (tolerating a ```json fence) and validates it with `schema`.
 *
 * @example
 * parseStructuredOutput('{"city":"Oslo"}', z.object({ city: z.string() })) // { ok: true, value: { city: 'Oslo' } }
 */
export function parseStructuredOutput<T>(text: string, schema: ZodType<T>): StructuredParse<T> {
  const body = text.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    const problem = `not valid JSON (${e instanceof Error ? e.message : String(e)})`;
    return { ok: false, problem, issues: [{ path: [], message: problem }] };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = fromZodIssues(parsed.error.issues);
  const problem = issues
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
  return { ok: false, problem: `does not match the schema (${problem})`, issues };
}

/**
 * The request that asks the model to repair an invalid structured answer: the transcript plus
 * the bad answer (as the assistant) and the problem (as the user).
 *
 * @example
 * const next = repairRequest(req, res.text, parsed.problem);
 */
export function repairRequest(req: LLMRequest, badText: string, problem: string): LLMRequest {
  return {
    ...req,
    messages: [
      ...req.messages,
      { role: 'assistant', content: badText },
      {
        role: 'user',
        content: `Your previous answer ${problem}. Reply again with only the corrected JSON value that matches the schema.`,
      },
    ],
  };
}

/** Options of `chatStructured`. */
export interface ChatStructuredOptions extends LLMCallOptions {
  /** Name of the schema sent to the provider (default 'output'). */
  name?: string;
  /** Repair calls after an invalid answer (default 1: invalid then valid = two calls). */
  maxRepairs?: number;
}

const addUsage = (a: LLMUsage, b: LLMUsage): LLMUsage => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  totalTokens: a.totalTokens + b.totalTokens,
  ...(a.cachedInputTokens !== undefined || b.cachedInputTokens !== undefined
    ? { cachedInputTokens: (a.cachedInputTokens ?? 0) + (b.cachedInputTokens ?? 0) }
    : {}),
});

/**
 * Structured output with ONE repair retry by default: sends `responseFormat` for `schema`,
 * validates the answer with zod; when it is invalid, shows the model its answer and the problem
 * and asks again. Returns the last response with `structured` set to the parsed value and
 * `usage`/`costUsd` summed over every call made. Still invalid after `maxRepairs` repairs →
 * `AfkLLMError` code `structured_output_invalid` (the zod issues in `issues`).
 *
 * @example
 * const res = await chatStructured(llm, { model: 'gpt-4.1-mini', messages }, z.object({ city: z.string() }));
 * res.structured.city
 */
export async function chatStructured<T>(
  client: LLMClient,
  req: LLMRequest,
  schema: ZodType<T>,
  opts: ChatStructuredOptions = {},
): Promise<LLMResponse & { structured: T }> {
  const maxRepairs = opts.maxRepairs ?? 1;
  const callOpts: LLMCallOptions = opts.signal ? { signal: opts.signal } : {};
  let current: LLMRequest = {
    ...req,
    responseFormat: req.responseFormat ?? responseFormatFor(schema, opts.name),
  };
  let usage: LLMUsage | undefined;
  let cost: number | undefined;
  for (let attempt = 0; ; attempt++) {
    const res = await client.chat(current, callOpts);
    usage = usage ? addUsage(usage, res.usage) : res.usage;
    if (res.costUsd !== undefined) cost = (cost ?? 0) + res.costUsd;
    const parsed = parseStructuredOutput(res.text, schema);
    if (parsed.ok) {
      return { ...res, usage, ...(cost === undefined ? {} : { costUsd: cost }), structured: parsed.value };
    }
    if (attempt >= maxRepairs) {
      throw new AfkLLMError(
        'structured_output_invalid',
        `${client.provider}:${client.model} structured output still invalid after ${attempt + 1} call(s): the answer ${parsed.problem}`,
        { issues: parsed.issues, provider: client.provider, model: client.model, retryable: false },
      );
    }
    current = repairRequest(current, res.text, parsed.problem);
  }
}
