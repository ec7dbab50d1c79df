import { AfkLLMError, isAfkError } from '../../errors/index.js';
import { abortReason, sleep } from '../../internal/abort.js';
import { estimateCostUsd, priceFor } from '../pricing.js';
import { toLLMError } from '../provider-error.js';
import type { LLMClient, LLMRequest, LLMResponse, LLMStreamChunk } from '../types.js';
import { backoffDelay, type RetryPolicy } from './backoff.js';
import type { BreakerOutcome, CircuitBreaker, CircuitBreakerPolicy } from './circuit-breaker.js';
import type { Coalescer } from './coalescer.js';
import { guardStream, type TimeoutPolicy, withDeadline } from './deadline.js';
import type { RateLimitPolicy, TokenBucket } from './rate-limiter.js';
import type { CachePolicy, ResponseCache } from './response-cache.js';

/** State shared by every client of one (provider, model, baseURL): it accumulates across builds. */
export interface ResilienceState {
  breaker: CircuitBreaker;
  limiter: TokenBucket;
  cache: ResponseCache;
  coalescer: Coalescer;
}

/** The resolved resilience settings of one client (profile defaults + builder + per-call overrides). */
export interface ResiliencePolicy {
  retry: RetryPolicy;
  timeout: TimeoutPolicy;
  rateLimit: RateLimitPolicy | undefined;
  circuitBreaker: CircuitBreakerPolicy | undefined;
  cache: CachePolicy | undefined;
  coalesce: boolean;
}

/** A thin provider client plus its shared state, as one link of a fallback chain. */
export interface ResilienceTarget {
  client: LLMClient;
  state: ResilienceState;
}

const label = (t: ResilienceTarget) => `${t.client.provider}:${t.client.model}`;

function acquire(t: ResilienceTarget, policy: ResiliencePolicy): (o: BreakerOutcome) => void {
  return policy.circuitBreaker ? t.state.breaker.acquire(policy.circuitBreaker, label(t)) : () => undefined;
}

/**
 * Classifies a failed attempt and reports it to the breaker (retryable failures count, 4xx and
 * aborts are neutral); rethrows caller aborts and programmer errors untouched.
 */
function classify(
  e: unknown,
  t: ResilienceTarget,
  signal: AbortSignal | undefined,
  permit: (o: BreakerOutcome) => void,
): AfkLLMError {
  if (signal?.aborted || (isAfkError(e) && e.name !== 'AfkLLMError')) {
    permit('neutral');
    throw signal?.aborted ? abortReason(signal) : e;
  }
  const err = toLLMError(e, { provider: t.client.provider, model: t.client.model });
  permit(err.retryable ? 'failure' : 'neutral');
  return err;
}

async function pause(attempt: number, err: AfkLLMError, retry: RetryPolicy, signal?: AbortSignal) {
  if (!err.retryable || attempt >= retry.maxRetries) throw err;
  const delay = backoffDelay(attempt, retry, err.retryAfterMs);
  if (delay === undefined) throw err;
  await sleep(delay, signal);
}

/** One target's chat with rate limit, breaker, per-attempt deadline and classified retries. */
export async function chatWithRetries(
  t: ResilienceTarget,
  req: LLMRequest,
  policy: ResiliencePolicy,
  signal: AbortSignal | undefined,
): Promise<LLMResponse> {
  for (let attempt = 0; ; attempt++) {
    if (policy.rateLimit) await t.state.limiter.take(policy.rateLimit, signal);
    const permit = acquire(t, policy);
    try {
      const res = await withDeadline(label(t), policy.timeout.requestMs, signal, (s) =>
        t.client.chat(req, { signal: s }),
      );
      permit('success');
      return res;
    } catch (e) {
      const err = classify(e, t, signal, permit);
      await pause(attempt, err, policy.retry, signal);
    } finally {
      permit('neutral');
    }
  }
}

/**
 * One target's stream with the same guards. A failed attempt is retried only while nothing has
 * reached the consumer; after the first chunk an error ends the stream.
 */
export async function* streamWithRetries(
  t: ResilienceTarget,
  req: LLMRequest,
  policy: ResiliencePolicy,
  signal: AbortSignal | undefined,
): AsyncGenerator<LLMStreamChunk> {
  for (let attempt = 0; ; attempt++) {
    if (policy.rateLimit) await t.state.limiter.take(policy.rateLimit, signal);
    const permit = acquire(t, policy);
    let delivered = false;
    try {
      for await (const chunk of guardStream(label(t), policy.timeout, signal, (s) =>
        t.client.stream(req, { signal: s }),
      )) {
        delivered = true;
        if (chunk.type === 'completed') {
          permit('success');
          yield chunk;
          return;
        }
        yield chunk;
      }
      throw new AfkLLMError('llm_bad_response', `${label(t)} stream ended without a completed chunk`, {
        retryable: true,
        provider: t.client.provider,
        model: t.client.model,
      });
    } catch (e) {
      const err = classify(e, t, signal, permit);
      if (delivered) throw err;
      await pause(attempt, err, policy.retry, signal);
    } finally {
      permit('neutral');
    }
  }
}

/** Adds an estimated `costUsd` when the provider reported none, and `requestedModel` on fallbacks. */
export function finalizeResponse(res: LLMResponse, answered: LLMClient, primary: LLMClient): LLMResponse {
  let out = res;
  if (out.costUsd === undefined) {
    const priced = priceFor(out.model) ? out.model : priceFor(answered.model) ? answered.model : undefined;
    if (priced !== undefined) out = { ...out, costUsd: estimateCostUsd(priced, out.usage) };
  }
  if (answered !== primary) out = { ...out, requestedModel: primary.model };
  return out;
}

/** Whether the next model of a fallback chain should be tried after this failure. */
export function shouldFallback(e: unknown): boolean {
  return isAfkError(e) && e.name === 'AfkLLMError' && e.code !== 'aborted' && e.code !== 'cancelled';
}

/** Joins the failures of a whole fallback chain into one error (the last one's classification). */
export function chainError(errors: AfkLLMError[]): AfkLLMError {
  const last = errors[errors.length - 1];
  if (!last) return new AfkLLMError('llm_error', 'no model to call');
  if (errors.length === 1) return last;
  return new AfkLLMError(
    last.code,
    `all ${errors.length} models failed: ${errors.map((e) => e.message).join(' | ')}`,
    {
      cause: last,
      retryable: last.retryable,
      ...(last.status === undefined ? {} : { status: last.status }),
      ...(last.requestId === undefined ? {} : { requestId: last.requestId }),
      ...(last.provider === undefined ? {} : { provider: last.provider }),
      ...(last.model === undefined ? {} : { model: last.model }),
    },
  );
}
