import { AfkError } from '../../errors/index.js';
import { estimateCostUsd } from '../../llms/pricing.js';
import type { LLMClient } from '../../llms/types.js';
import { contentText } from '../../llms/types.js';
import type { AssertedCase, Assertion, AssertionContext } from '../models/assertion.js';
import { type JudgeCache, type JudgeVerdict, judgeCacheKey } from '../models/judge-cache.js';
import { judgeRequest, parseJudgeAnswer } from '../models/judge-model.js';
import { verdict } from './verdict.js';

/** Options of `llmJudge`. */
export interface LLMJudgeOptions {
  /** What a good answer is, in words the judge grades against. */
  rubric: string;
  /** The judge: a client, or a model string resolved like an agent's (`'openai:gpt-4.1-mini'`). */
  model: string | LLMClient;
  /** Passing score (default 0.5). */
  threshold?: number;
  /** Where verdicts are kept (default: the suite's `judgeCache`). */
  cache?: JudgeCache;
}

/** The case's input as the judge reads it. */
export function caseInputText(c: AssertedCase): string {
  if (typeof c.input === 'string') return c.input;
  return c.input
    .filter((m) => m.role === 'user')
    .map((m) => (m.role === 'user' ? contentText(m.content) : ''))
    .join('\n');
}

// Identical judgements in flight at once (repeats with one output) share one call.
const inFlight = new WeakMap<JudgeCache, Map<string, Promise<JudgeVerdict>>>();

/**
 * A model grades the run's final text against a rubric (and the case's `expected`, as the
 * reference, when set): `{ score 0..1, reason }`, passing at `threshold` (default 0.5). Answers
 * are cached by hash(rubric + input + output + judge model id) in the suite's `judgeCache`
 * (default: in memory for the process; `afk eval` keeps a file), so a repeated judgement makes no
 * call. The judge's tokens and cost are charged to the case's and the suite's usage (a cache
 * hit costs nothing). An answer that is not `{ score, reason }` makes the case `errored`.
 *
 * @example
 * llmJudge({ rubric: 'Answers with the capital of France, politely.', model: 'openai:gpt-4.1-mini', threshold: 0.7 })
 */
export function llmJudge(opts: LLMJudgeOptions): Assertion {
  const threshold = opts.threshold ?? 0.5;
  const name = `llmJudge(${opts.rubric.length > 40 ? `${opts.rubric.slice(0, 39)}…` : opts.rubric})`;
  return {
    name,
    evaluate: async (ctx: AssertionContext) => {
      const client = await ctx.resolveModel(opts.model);
      const modelId = typeof opts.model === 'string' ? opts.model : `${client.provider}:${client.model}`;
      const input = caseInputText(ctx.case);
      const output =
        ctx.result.finalStructured !== undefined
          ? JSON.stringify(ctx.result.finalStructured)
          : ctx.result.finalText;
      const cache = opts.cache ?? ctx.judgeCache;
      const key = judgeCacheKey({ rubric: opts.rubric, input, output, model: modelId });
      let cached = await cache.get(key);
      let hit = cached !== undefined;
      if (!cached) {
        let pending = inFlight.get(cache);
        if (!pending) {
          pending = new Map();
          inFlight.set(cache, pending);
        }
        const running = pending.get(key);
        if (running) {
          cached = await running;
        } else {
          const call = (async (): Promise<JudgeVerdict> => {
            const req = judgeRequest(
              {
                rubric: opts.rubric,
                input,
                output,
                ...(ctx.case.expected === undefined ? {} : { expected: ctx.case.expected }),
              },
              client.model,
            );
            const res = await client.chat(req, { signal: ctx.signal });
            const answer = parseJudgeAnswer(res.text);
            if (!answer) {
              throw new AfkError(
                'llm_bad_response',
                `judge ${modelId} did not answer { score, reason }: ${res.text.slice(0, 200)}`,
              );
            }
            const usage = {
              inputTokens: res.usage.inputTokens,
              outputTokens: res.usage.outputTokens,
              totalTokens: res.usage.totalTokens,
              costUsd: res.costUsd ?? estimateCostUsd(res.model || client.model, res.usage),
            };
            // Charged here, once: a concurrent identical judgement reads this verdict for free.
            ctx.addUsage(usage);
            const v: JudgeVerdict = {
              score: answer.score,
              passed: answer.score >= threshold,
              reason: answer.reason,
              usage,
              model: modelId,
              createdAt: Date.now(),
            };
            await cache.set(key, v);
            return v;
          })();
          pending.set(key, call);
          try {
            cached = await call;
          } finally {
            pending.delete(key);
          }
          hit = false;
        }
        if (running) hit = true;
      }
      return verdict(name, cached.score >= threshold, cached.reason, cached.score, {
        cached: hit,
        judge: modelId,
        threshold,
        costUsd: hit ? 0 : cached.usage.costUsd,
      });
    },
  };
}
