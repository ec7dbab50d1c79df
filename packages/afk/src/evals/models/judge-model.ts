import { z } from 'zod';
import { extractJson } from '../../internal/extract-json.js';
import type { JSONValue } from '../../internal/json.js';
import { type ScriptedClient, type ScriptedOptions, scripted } from '../../llms/providers/scripted.js';
import type { LLMRequest } from '../../llms/types.js';

/** What a judge is asked to grade: the rubric, the case's input, the agent's output, the reference. */
export interface JudgeInput {
  rubric: string;
  input: string;
  output: string;
  expected?: JSONValue;
}

/** A judge's graded answer: `score` 0..1 and why. */
export interface JudgeAnswer {
  score: number;
  reason: string;
}

const JUDGE_SYSTEM =
  'You are a strict evaluator of an AI agent. Grade the agent output against the rubric. ' +
  'The material to grade is the JSON object in the user message (fields rubric, input, output, ' +
  'and expected when a reference exists). Reply with only a JSON object ' +
  '{"score": <number from 0 to 1>, "reason": "<one or two sentences>"}.';

const JudgeAnswerSchema = z.object({
  score: z.number().min(0).max(1),
  reason: z.string(),
});

/**
 * The request `llmJudge` sends: a fixed system prompt, and the material as one JSON user message
 * (so a judge, scripted or real, reads it unambiguously); a JSON-schema response format asks for
 * `{ score, reason }`. Temperature 0.
 *
 * @example
 * const req = judgeRequest({ rubric: 'Is it polite?', input: 'hi', output: 'Hello!' }, 'gpt-4.1-mini');
 */
export function judgeRequest(material: JudgeInput, model: string): LLMRequest {
  const body: Record<string, JSONValue> = {
    rubric: material.rubric,
    input: material.input,
    output: material.output,
  };
  if (material.expected !== undefined) body.expected = material.expected;
  return {
    model,
    temperature: 0,
    messages: [
      { role: 'system', content: JUDGE_SYSTEM },
      { role: 'user', content: JSON.stringify(body) },
    ],
    responseFormat: {
      type: 'json_schema',
      name: 'judgement',
      schema: {
        type: 'object',
        properties: { score: { type: 'number', minimum: 0, maximum: 1 }, reason: { type: 'string' } },
        required: ['score', 'reason'],
        additionalProperties: false,
      },
    },
  };
}

/**
 * Reads a judge's answer (JSON anywhere in the text, prose around it ignored); `undefined` when
 * there is no `{ score 0..1, reason }` in it.
 *
 * @example
 * parseJudgeAnswer('{"score": 0.8, "reason": "mostly right"}') // { score: 0.8, reason: 'mostly right' }
 */
export function parseJudgeAnswer(text: string): JudgeAnswer | undefined {
  const found = extractJson(text);
  if (!found) return undefined;
  const parsed = JudgeAnswerSchema.safeParse(found.value);
  return parsed.success ? parsed.data : undefined;
}

/** The material of a judge request built by `judgeRequest` (undefined for any other request). */
export function judgeMaterial(req: LLMRequest): JudgeInput | undefined {
  const user = req.messages.findLast((m) => m.role === 'user');
  if (!user || typeof user.content !== 'string') return undefined;
  try {
    const v = JSON.parse(user.content) as Partial<JudgeInput>;
    if (typeof v.rubric !== 'string' || typeof v.input !== 'string' || typeof v.output !== 'string')
      return undefined;
    return v as JudgeInput;
  } catch {
    return undefined;
  }
}

/**
 * A deterministic judge for offline suites and tests: `grade` sees what the judge is asked and
 * returns `{ score, reason }`; the client answers it as a real judge would (JSON text), with
 * usage and an optional `costUsd` per call, and counts its calls (`.calls`).
 *
 * @example
 * const judge = scriptedJudge(({ output }) => ({ score: output.includes('Paris') ? 1 : 0, reason: 'names the city' }));
 * const a = llmJudge({ rubric: 'Names the capital of France', model: judge });
 */
export function scriptedJudge(
  grade: (material: JudgeInput) => JudgeAnswer | Promise<JudgeAnswer>,
  options: ScriptedOptions & { costUsd?: number } = {},
): ScriptedClient {
  const { costUsd, ...rest } = options;
  return scripted(
    async (req) => {
      const material = judgeMaterial(req);
      if (!material) return { text: '{"score": 0, "reason": "not a judge request"}' };
      const answer = await grade(material);
      return { text: JSON.stringify(answer), ...(costUsd === undefined ? {} : { costUsd }) };
    },
    { model: 'judge', ...rest },
  );
}
