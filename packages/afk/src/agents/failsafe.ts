import { z } from 'zod';
import { durationMs } from '../internal/duration.js';

const FailurePolicy = z.enum(['continue', 'fail', 'degrade']);

/**
 * Safety limits and failure policies of an agent. Every field has a default; pass a partial.
 * Limits are enforced during a step too: wall time aborts in-flight calls through their signal,
 * a batch never runs more tools than `maxToolCalls` allows, the LLM is never called more than
 * `maxLlmCalls` times.
 *
 * Defaults: maxSteps 20, maxLlmCalls 50, maxToolCalls 200, maxWallTimeMs 300_000,
 * maxParallelTools 16, maxSubagentDepth 3, maxSubagentFanoutPerStep 4, llmFailurePolicy 'fail',
 * tool/subagent/approvalDenial policies 'continue', onLimit 'degrade', fallbackModels [],
 * breaker { failureThreshold 5, cooldownMs 30_000 }. Durations are capped at 2_147_483_647 ms
 * (`MAX_TIMER_MS`, about 24.8 days: a longer timer would fire at once).
 *
 * @example
 * new Agent({ name: 'a', model, failSafe: { maxSteps: 5, onLimit: 'fail' } })
 */
export const FailSafeConfigSchema = z
  .object({
    maxSteps: z.number().int().positive().default(20),
    maxLlmCalls: z.number().int().positive().default(50),
    maxToolCalls: z.number().int().nonnegative().default(200),
    maxWallTimeMs: durationMs('positive').default(300_000),
    maxTotalCostUsd: z.number().nonnegative().optional(),
    maxTotalTokens: z.number().int().nonnegative().optional(),
    maxParallelTools: z.number().int().positive().default(16),
    maxSubagentDepth: z.number().int().nonnegative().default(3),
    maxSubagentFanoutPerStep: z.number().int().positive().default(4),
    llmFailurePolicy: z.enum(['fail', 'degrade']).default('fail'),
    toolFailurePolicy: FailurePolicy.default('continue'),
    subagentFailurePolicy: FailurePolicy.default('continue'),
    /**
     * What a denied call does to the run: a human's rejection (`approval_rejected`) and a policy
     * rule's `deny` (`policy_denied`) alike. 'continue' (default): the model is told and goes on;
     * 'fail' / 'degrade': the run ends so, with that error code, once the batch is answered.
     */
    approvalDenialPolicy: FailurePolicy.default('continue'),
    onLimit: z.enum(['fail', 'degrade']).default('degrade'),
    fallbackModels: z.array(z.string().min(1)).default([]),
    breaker: z
      .object({
        failureThreshold: z.number().int().positive().default(5),
        cooldownMs: durationMs().default(30_000),
      })
      .default({ failureThreshold: 5, cooldownMs: 30_000 }),
  })
  .strict();

export type FailSafeConfig = z.output<typeof FailSafeConfigSchema>;
export type FailSafeInput = z.input<typeof FailSafeConfigSchema>;

/** The defaults, as a frozen object. */
export const DEFAULT_FAIL_SAFE: Readonly<FailSafeConfig> = Object.freeze(FailSafeConfigSchema.parse({}));
