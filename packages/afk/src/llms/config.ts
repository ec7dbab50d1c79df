import { z } from 'zod';
import { durationMs } from '../internal/duration.js';
import type { Cassette } from './providers/cassette.js';
import type { ResiliencePolicy } from './resilience/attempts.js';
import type { LLMClient } from './types.js';

/** Named sets of resilience defaults; every value can still be overridden per builder and per call. */
export type LLMProfile = 'development' | 'production' | 'high_throughput' | 'low_latency';

/**
 * The documented defaults of each profile (no profile = `production`):
 *
 * | profile | retry (max, base, maxDelay) | timeout (request, streamIdle) | rate limit | breaker (threshold, cooldown) | cache | coalesce |
 * |---|---|---|---|---|---|---|
 * | development | 1, 250 ms, 2 s | 120 s, 120 s | none | 5, 10 s | none | off |
 * | production | 3, 500 ms, 8 s | 30 s, 45 s | none | 5, 30 s | none | on |
 * | high_throughput | 5, 250 ms, 16 s | 60 s, 60 s | 50 rps, burst 100 | 10, 15 s | none | on |
 * | low_latency | 1, 100 ms, 500 ms | 10 s, 5 s | none | 3, 10 s | none | on |
 *
 * Retry-After above 60 s (`maxRetryAfterMs`) is not waited for; the response cache keeps at
 * most 500 entries when enabled with `.cache({ ttlMs })`.
 *
 * @example
 * LLM_PROFILES.low_latency.timeout // { requestMs: 10_000, streamIdleMs: 5_000 }
 */
export const LLM_PROFILES: Readonly<Record<LLMProfile, ResiliencePolicy>> = {
  development: {
    retry: { maxRetries: 1, baseDelayMs: 250, maxDelayMs: 2_000, maxRetryAfterMs: 60_000 },
    timeout: { requestMs: 120_000, streamIdleMs: 120_000 },
    rateLimit: undefined,
    circuitBreaker: { failureThreshold: 5, cooldownMs: 10_000 },
    cache: undefined,
    coalesce: false,
  },
  production: {
    retry: { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 },
    timeout: { requestMs: 30_000, streamIdleMs: 45_000 },
    rateLimit: undefined,
    circuitBreaker: { failureThreshold: 5, cooldownMs: 30_000 },
    cache: undefined,
    coalesce: true,
  },
  high_throughput: {
    retry: { maxRetries: 5, baseDelayMs: 250, maxDelayMs: 16_000, maxRetryAfterMs: 60_000 },
    timeout: { requestMs: 60_000, streamIdleMs: 60_000 },
    rateLimit: { requestsPerSecond: 50, burst: 100 },
    circuitBreaker: { failureThreshold: 10, cooldownMs: 15_000 },
    cache: undefined,
    coalesce: true,
  },
  low_latency: {
    retry: { maxRetries: 1, baseDelayMs: 100, maxDelayMs: 500, maxRetryAfterMs: 60_000 },
    timeout: { requestMs: 10_000, streamIdleMs: 5_000 },
    rateLimit: undefined,
    circuitBreaker: { failureThreshold: 3, cooldownMs: 10_000 },
    cache: undefined,
    coalesce: true,
  },
};

const DEFAULT_CACHE_ENTRIES = 500;
/** Durations: integers, capped at MAX_TIMER_MS (a longer timer would fire at once). */
const ms = durationMs().int();
const positiveMs = durationMs('positive').int();

const CapabilitiesSchema = z
  .object({
    streaming: z.boolean(),
    toolCalling: z.boolean(),
    structuredOutput: z.boolean(),
    reasoning: z.boolean(),
    streamUsage: z.boolean(),
  })
  .partial();

const isClient = (v: unknown): v is LLMClient =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as LLMClient).chat === 'function' &&
  typeof (v as LLMClient).stream === 'function';

/**
 * Validates an `LLMBuilderConfig` (defaults: provider 'openai'; everything else from the profile).
 * `LLMBuilder.build()` runs it and reports every issue at once.
 *
 * @example
 * LLMBuilderConfigSchema.safeParse({ provider: 'openai-compatible', model: 'llama3.2' }).success // false: baseURL missing
 */
export const LLMBuilderConfigSchema = z
  .object({
    provider: z.string().min(1).default('openai'),
    model: z.string().min(1).optional(),
    apiKey: z.string().min(1).optional(),
    baseURL: z.url().optional(),
    api: z.enum(['chat', 'responses']).optional(),
    dangerouslyAllowBrowser: z.boolean().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    capabilities: CapabilitiesSchema.optional(),
    profile: z.enum(['development', 'production', 'high_throughput', 'low_latency']).optional(),
    retry: z
      .object({
        maxRetries: z.number().int().min(0).max(20),
        baseDelayMs: ms,
        maxDelayMs: ms,
        maxRetryAfterMs: ms,
      })
      .partial()
      .optional(),
    timeout: z.object({ requestMs: positiveMs, streamIdleMs: positiveMs }).partial().optional(),
    rateLimit: z
      .union([
        z.literal(false),
        z.object({ requestsPerSecond: z.number().positive(), burst: z.number().int().min(1) }),
      ])
      .optional(),
    circuitBreaker: z
      .union([z.literal(false), z.object({ failureThreshold: z.number().int().min(1), cooldownMs: ms })])
      .optional(),
    fallback: z.array(z.string().min(1)).optional(),
    cache: z
      .union([
        z.literal(false),
        z.object({ ttlMs: positiveMs, maxEntries: z.number().int().min(1).optional() }),
      ])
      .optional(),
    coalesce: z.boolean().optional(),
    cassette: z
      .union([z.string().min(1), z.custom<Cassette>((v) => typeof v === 'object' && v !== null)])
      .optional(),
    client: z.custom<LLMClient>(isClient, { message: 'expected an LLMClient (chat + stream)' }).optional(),
  })
  .superRefine((c, ctx) => {
    const needsModel = !c.client && c.provider !== 'scripted' && c.provider !== 'replay';
    if (needsModel && !c.model)
      ctx.addIssue({ code: 'custom', path: ['model'], message: `provider '${c.provider}' needs a model` });
    if (c.provider === 'openai-compatible' && !c.baseURL && !c.client) {
      ctx.addIssue({
        code: 'custom',
        path: ['baseURL'],
        message: "provider 'openai-compatible' needs a baseURL",
      });
    }
    if (c.provider === 'replay' && !c.cassette && !c.client) {
      ctx.addIssue({ code: 'custom', path: ['cassette'], message: "provider 'replay' needs a cassette" });
    }
    const r = c.retry;
    if (r?.baseDelayMs !== undefined && r.maxDelayMs !== undefined && r.maxDelayMs < r.baseDelayMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['retry', 'maxDelayMs'],
        message: 'maxDelayMs must be >= baseDelayMs',
      });
    }
  });

/**
 * Plain-object configuration of `LLMBuilder` (every builder method sets one field). `provider`
 * defaults to 'openai'; `profile` to 'production'. `false` disables a profile's rate limit,
 * breaker or cache. `client` wraps an existing `LLMClient` (e.g. `scripted(...)`) instead of
 * building a provider. The API key is kept in memory only and never exposed by the built client.
 *
 * @example
 * const cfg: LLMBuilderConfig = { provider: 'openai', model: 'gpt-4.1-mini', retry: { maxRetries: 2 } };
 * const llm = new LLMBuilder(cfg).build();
 */
export type LLMBuilderConfig = z.input<typeof LLMBuilderConfigSchema>;
/** A validated `LLMBuilderConfig` (defaults applied). */
export type ParsedLLMBuilderConfig = z.output<typeof LLMBuilderConfigSchema>;

/** `o` without its undefined values (so that spreading it over defaults keeps the defaults). */
export function definedOnly<T extends object>(
  o: T | undefined,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** Profile defaults merged with the builder's settings. */
export function resolvePolicy(c: ParsedLLMBuilderConfig): ResiliencePolicy {
  const base = LLM_PROFILES[c.profile ?? 'production'];
  const retry = { ...base.retry, ...definedOnly(c.retry) };
  if (c.retry?.baseDelayMs !== undefined && c.retry.maxDelayMs === undefined) {
    retry.maxDelayMs = Math.max(retry.maxDelayMs, retry.baseDelayMs);
  }
  return {
    retry,
    timeout: { ...base.timeout, ...definedOnly(c.timeout) },
    rateLimit: c.rateLimit === false ? undefined : (c.rateLimit ?? base.rateLimit),
    circuitBreaker: c.circuitBreaker === false ? undefined : (c.circuitBreaker ?? base.circuitBreaker),
    cache:
      c.cache === false
        ? undefined
        : c.cache === undefined
          ? base.cache
          : { ttlMs: c.cache.ttlMs, maxEntries: c.cache.maxEntries ?? DEFAULT_CACHE_ENTRIES },
    coalesce: c.coalesce ?? base.coalesce,
  };
}
