import type { AfkLLMError } from '../../errors/index.js';
import { abortReason } from '../../internal/abort.js';
import { scrubError } from '../provider-error.js';
import { requestKey } from '../request-key.js';
import { chunksFromResponse } from '../stream-from-response.js';
import type {
  LLMCallOptions,
  LLMCapabilities,
  LLMClient,
  LLMRequest,
  LLMResponse,
  LLMStreamChunk,
} from '../types.js';
import {
  chainError,
  chatWithRetries,
  finalizeResponse,
  type ResiliencePolicy,
  type ResilienceTarget,
  shouldFallback,
  streamWithRetries,
} from './attempts.js';
import type { RetryPolicy } from './backoff.js';
import type { BreakerState } from './circuit-breaker.js';
import type { TimeoutPolicy } from './deadline.js';

/** Per-call overrides of a built client's profile (see `LLMBuilder`). */
export interface LLMCallOverrides {
  retry?: Partial<RetryPolicy>;
  timeout?: Partial<TimeoutPolicy>;
  /** `false` skips the response cache for this call. */
  cache?: boolean;
  /** `false` skips in-flight coalescing for this call. */
  coalesce?: boolean;
}

/** Call options of a built client: an AbortSignal plus optional overrides. */
export type ResilientCallOptions = LLMCallOptions & LLMCallOverrides;

/** A snapshot of a built client's shared state, for health views and devtools. */
export interface LLMHealth {
  provider: string;
  model: string;
  breaker: BreakerState;
  consecutiveFailures: number;
  rateLimitTokens: number | undefined;
  cacheEntries: number;
  inFlight: number;
  fallbacks: LLMHealth[];
}

/** An `LLMClient` built by `LLMBuilder`: the resilience layer around a thin provider. */
export interface ResilientLLMClient extends LLMClient {
  /** The resolved settings (profile defaults merged with the builder's), without secrets. */
  readonly policy: Readonly<ResiliencePolicy>;
  chat(req: LLMRequest, opts?: ResilientCallOptions): Promise<LLMResponse>;
  stream(req: LLMRequest, opts?: ResilientCallOptions): AsyncIterable<LLMStreamChunk>;
  health(): LLMHealth;
}

/**
 * ONE resilience layer around thin providers: response cache → in-flight coalescing → fallback
 * chain → per target: rate limit, circuit breaker, per-attempt deadline, classified retries with
 * backoff. Adds an estimated `costUsd` when the provider reports none.
 */
export class ResilientClient implements ResilientLLMClient {
  /** Every credential the client holds (see `credentialSecrets`), scrubbed from every error it throws; never serialised. */
  readonly #secrets: readonly string[];
  readonly provider: string;
  readonly model: string;
  readonly capabilities: LLMCapabilities;

  constructor(
    private readonly targets: readonly [ResilienceTarget, ...ResilienceTarget[]],
    readonly policy: Readonly<ResiliencePolicy>,
    private readonly scope: Record<string, string | undefined>,
    secrets: readonly string[] = [],
  ) {
    this.#secrets = secrets;
    this.provider = targets[0].client.provider;
    this.model = targets[0].client.model;
    this.capabilities = targets[0].client.capabilities;
  }

  private get primary(): ResilienceTarget {
    return this.targets[0];
  }

  private effective(opts: ResilientCallOptions | undefined) {
    const policy: ResiliencePolicy = {
      ...this.policy,
      retry: { ...this.policy.retry, ...opts?.retry },
      timeout: { ...this.policy.timeout, ...opts?.timeout },
    };
    const cache = opts?.cache === false ? undefined : policy.cache;
    const coalesce = opts?.coalesce ?? policy.coalesce;
    return { policy, cache, coalesce };
  }

  /** The one exit of errors: no credential leaves the client in an error's text or cause. */
  async chat(req: LLMRequest, opts?: ResilientCallOptions): Promise<LLMResponse> {
    try {
      return await this.chatImpl(req, opts);
    } catch (e) {
      throw scrubError(e, this.#secrets);
    }
  }

  private async chatImpl(req: LLMRequest, opts?: ResilientCallOptions): Promise<LLMResponse> {
    const { policy, cache, coalesce } = this.effective(opts);
    const key = cache || coalesce ? requestKey(req, this.scope) : '';
    if (cache) {
      const hit = this.primary.state.cache.get(key);
      if (hit) return { ...hit, costUsd: 0 };
    }
    const run = async (signal: AbortSignal | undefined) => {
      const res = await this.chainChat(req, policy, signal);
      if (cache && res.finishReason !== 'error') this.primary.state.cache.set(key, res, cache);
      return res;
    };
    return coalesce ? this.primary.state.coalescer.chat(key, opts?.signal, run) : run(opts?.signal);
  }

  stream(req: LLMRequest, opts?: ResilientCallOptions): AsyncIterable<LLMStreamChunk> {
    return this.scrubbedStream(req, opts);
  }

  private async *scrubbedStream(
    req: LLMRequest,
    opts?: ResilientCallOptions,
  ): AsyncGenerator<LLMStreamChunk> {
    try {
      yield* this.streamImpl(req, opts);
    } catch (e) {
      throw scrubError(e, this.#secrets);
    }
  }

  private async *streamImpl(req: LLMRequest, opts?: ResilientCallOptions): AsyncGenerator<LLMStreamChunk> {
    const { policy, cache, coalesce } = this.effective(opts);
    const key = cache || coalesce ? requestKey(req, this.scope) : '';
    if (cache) {
      const hit = this.primary.state.cache.get(key);
      if (hit) {
        yield* chunksFromResponse({ ...hit, costUsd: 0 });
        return;
      }
    }
    const source = (signal: AbortSignal | undefined) =>
      this.chainStream(req, policy, signal, cache ? key : undefined);
    yield* coalesce ? this.primary.state.coalescer.stream(key, opts?.signal, source) : source(opts?.signal);
  }

  private async chainChat(
    req: LLMRequest,
    policy: ResiliencePolicy,
    signal?: AbortSignal,
  ): Promise<LLMResponse> {
    const errors: AfkLLMError[] = [];
    for (const target of this.targets) {
      try {
        const res = await chatWithRetries(target, req, policy, signal);
        return finalizeResponse(res, target.client, this.primary.client);
      } catch (e) {
        if (signal?.aborted) throw abortReason(signal);
        if (!shouldFallback(e)) throw e;
        errors.push(e as AfkLLMError);
      }
    }
    throw chainError(errors);
  }

  private async *chainStream(
    req: LLMRequest,
    policy: ResiliencePolicy,
    signal: AbortSignal | undefined,
    cacheKey: string | undefined,
  ): AsyncGenerator<LLMStreamChunk> {
    const errors: AfkLLMError[] = [];
    for (const target of this.targets) {
      let yielded = false;
      try {
        for await (const chunk of streamWithRetries(target, req, policy, signal)) {
          yielded = true;
          if (chunk.type === 'completed') {
            const response = finalizeResponse(chunk.response, target.client, this.primary.client);
            if (cacheKey !== undefined && policy.cache && response.finishReason !== 'error') {
              this.primary.state.cache.set(cacheKey, response, policy.cache);
            }
            yield { type: 'completed', response };
            return;
          }
          yield chunk;
        }
        return;
      } catch (e) {
        if (signal?.aborted) throw abortReason(signal);
        if (yielded || !shouldFallback(e)) throw e;
        errors.push(e as AfkLLMError);
      }
    }
    throw chainError(errors);
  }

  health(): LLMHealth {
    const [first, ...rest] = this.targets.map((t) => this.targetHealth(t));
    return { ...(first as LLMHealth), fallbacks: rest };
  }

  private targetHealth(t: ResilienceTarget): LLMHealth {
    const cb = this.policy.circuitBreaker;
    return {
      provider: t.client.provider,
      model: t.client.model,
      breaker: cb ? t.state.breaker.state(cb) : 'closed',
      consecutiveFailures: t.state.breaker.consecutiveFailures,
      rateLimitTokens: this.policy.rateLimit ? t.state.limiter.available(this.policy.rateLimit) : undefined,
      cacheEntries: t.state.cache.size,
      inFlight: t.state.coalescer.inFlight,
      fallbacks: [],
    };
  }
}
