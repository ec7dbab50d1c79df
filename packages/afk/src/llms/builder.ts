import { AfkConfigError, type AfkIssue, formatIssues, fromZodIssues, isAfkError } from '../errors/index.js';
import { hashValue } from '../internal/json.js';
import {
  definedOnly,
  type LLMBuilderConfig,
  LLMBuilderConfigSchema,
  type LLMProfile,
  type ParsedLLMBuilderConfig,
  resolvePolicy,
} from './config.js';
import { parseModelRef } from './model-ref.js';
import { credentialSecrets } from './provider-error.js';
import type { Cassette } from './providers/cassette.js';
import type { WireCapabilities } from './providers/openai-shared.js';
import { type ProviderConfig, providerFactory, sharedState } from './registry.js';
import type { ResilienceTarget } from './resilience/attempts.js';
import type { RetryPolicy } from './resilience/backoff.js';
import type { CircuitBreakerPolicy } from './resilience/circuit-breaker.js';
import type { TimeoutPolicy } from './resilience/deadline.js';
import type { RateLimitPolicy } from './resilience/rate-limiter.js';
import { ResilientClient, type ResilientLLMClient } from './resilience/resilient-client.js';
import type { LLMClient } from './types.js';

/**
 * Builds an `LLMClient`: a thin provider wrapped in ONE resilience layer (classified retries
 * with full-jitter backoff honouring Retry-After, per-attempt and stream-idle timeouts, a token
 * bucket, a circuit breaker, a fallback chain, a TTL response cache, in-flight coalescing) and
 * cost estimation. Defaults come from `.profile()` (default 'production', see `LLM_PROFILES`);
 * each setting can be overridden here and per call (`chat(req, { retry, timeout, cache })`).
 * Breaker, limiter, cache and in-flight state are shared by every client of one
 * (provider, model, baseURL). Config is validated at `build()`, every issue reported at once
 * as `AfkConfigError`. The API key stays in memory: not in `toJSON()`, errors or cassettes.
 *
 * @example
 * const llm = new LLMBuilder()
 *   .provider('openai').model('gpt-4.1-mini').apiKey(key)
 *   .profile('production')
 *   .retry({ maxRetries: 3, baseDelayMs: 500 }).timeout({ requestMs: 30_000, streamIdleMs: 45_000 })
 *   .fallback(['openai:gpt-4.1-nano']).cache({ ttlMs: 30_000 })
 *   .build();
 */
export class LLMBuilder {
  #config: LLMBuilderConfig;

  constructor(config: LLMBuilderConfig = {}) {
    this.#config = { ...config };
  }

  #set(patch: LLMBuilderConfig): this {
    this.#config = { ...this.#config, ...patch };
    return this;
  }

  /** 'openai' (default) | 'openai-compatible' | 'scripted' | 'replay' | a `registerProvider` id. */
  provider(id: string): this {
    return this.#set({ provider: id });
  }
  model(model: string): this {
    return this.#set({ model });
  }
  /** Kept in memory only. Default for 'openai': `process.env.OPENAI_API_KEY` in Node. */
  apiKey(key: string): this {
    return this.#set({ apiKey: key });
  }
  /** A proxy, gateway or OpenAI-wire server (required for 'openai-compatible' and in browsers). */
  baseURL(url: string): this {
    return this.#set({ baseURL: url });
  }
  /** OpenAI API flavour: 'chat' (Chat Completions, default) or 'responses'. */
  api(api: 'chat' | 'responses'): this {
    return this.#set({ api });
  }
  /** Let a browser call the provider with the key directly (default false). */
  dangerouslyAllowBrowser(allow = true): this {
    return this.#set({ dangerouslyAllowBrowser: allow });
  }
  headers(headers: Record<string, string>): this {
    return this.#set({ headers });
  }
  /** What an 'openai-compatible' server supports (see `openaiCompatible`). */
  capabilities(capabilities: Partial<WireCapabilities>): this {
    return this.#set({ capabilities });
  }
  /** Resilience defaults: 'development' | 'production' (default) | 'high_throughput' | 'low_latency'. */
  profile(profile: LLMProfile): this {
    return this.#set({ profile });
  }
  retry(retry: Partial<RetryPolicy>): this {
    return this.#set({ retry });
  }
  timeout(timeout: Partial<TimeoutPolicy>): this {
    return this.#set({ timeout });
  }
  rateLimit(rateLimit: RateLimitPolicy | false): this {
    return this.#set({ rateLimit });
  }
  circuitBreaker(circuitBreaker: CircuitBreakerPolicy | false): this {
    return this.#set({ circuitBreaker });
  }
  /** Models tried in order when the primary fails: `'<provider>:<model>'`, or a bare model of the same provider. */
  fallback(models: string[]): this {
    return this.#set({ fallback: models });
  }
  /** Response cache (default off); `maxEntries` defaults to 500. */
  cache(cache: { ttlMs: number; maxEntries?: number } | false): this {
    return this.#set({ cache });
  }
  /** Share one provider call among identical concurrent requests (default on, except 'development'). */
  coalesce(on = true): this {
    return this.#set({ coalesce: on });
  }
  /** The cassette of the 'replay' provider: a file path (Node) or an object. */
  cassette(cassette: string | Cassette): this {
    return this.#set({ cassette });
  }
  /** Wrap an existing client (e.g. `scripted(...)`) instead of building a provider. */
  client(client: LLMClient): this {
    return this.#set({ client });
  }

  /** The configuration so far, without the API key. */
  toJSON(): Omit<LLMBuilderConfig, 'apiKey' | 'client'> {
    const { apiKey: _key, client: _client, ...rest } = this.#config;
    return rest;
  }

  build(): ResilientLLMClient {
    const parsed = LLMBuilderConfigSchema.safeParse(this.#config);
    const issues: AfkIssue[] = parsed.success ? [] : fromZodIssues(parsed.error.issues);
    const provider = typeof this.#config.provider === 'string' ? this.#config.provider : 'openai';
    if (!this.#config.client && !providerFactory(provider)) {
      issues.push({
        path: ['provider'],
        message: `unknown provider '${provider}' (register it with registerProvider)`,
      });
    }
    if (!parsed.success || issues.length) throw configError(issues);
    const c = parsed.data;
    const targets: ResilienceTarget[] = [];
    const attempt = (path: Array<string | number>, make: () => ResilienceTarget) => {
      try {
        targets.push(make());
      } catch (e) {
        if (!isAfkError(e) || e.code !== 'invalid_config') throw e;
        issues.push(
          ...(e.issues.length
            ? e.issues.map((i) => ({ ...i, path: [...path, ...i.path] }))
            : [{ path, message: e.message }]),
        );
      }
    };
    attempt([], () => primaryTarget(c));
    for (const [i, ref] of (c.fallback ?? []).entries())
      attempt(['fallback', i], () => fallbackTarget(c, ref));
    if (issues.length) throw configError(issues);
    const [primary, ...rest] = targets as [ResilienceTarget, ...ResilienceTarget[]];
    return new ResilientClient(
      [primary, ...rest],
      resolvePolicy(c),
      {
        provider: primary.client.provider,
        model: primary.client.model,
        baseURL: c.baseURL,
        // Cache and in-flight state are shared per (provider, model, baseURL): never hand one
        // credential's (or header set's, or fallback chain's) answer to another. Only a hash of the key.
        credentials: c.apiKey || c.headers ? hashValue({ key: c.apiKey, headers: c.headers }) : undefined,
        fallback: c.fallback?.length ? c.fallback.join('\n') : undefined,
      },
      credentialSecrets(c.apiKey, c.headers),
    );
  }
}

function configError(issues: AfkIssue[]): AfkConfigError {
  return new AfkConfigError('invalid_config', `Invalid LLMBuilder config:\n${formatIssues(issues)}`, {
    issues,
  });
}

function providerConfig(
  c: ParsedLLMBuilderConfig,
  provider: string,
  model: string | undefined,
): ProviderConfig {
  return {
    provider,
    model,
    apiKey: c.apiKey,
    baseURL: c.baseURL,
    api: c.api,
    dangerouslyAllowBrowser: c.dangerouslyAllowBrowser,
    headers: c.headers,
    capabilities: c.capabilities ? definedOnly(c.capabilities) : undefined,
    cassette: c.cassette as string | Cassette | undefined,
  };
}

function build(cfg: ProviderConfig): ResilienceTarget {
  const factory = providerFactory(cfg.provider);
  if (!factory) throw new AfkConfigError('invalid_config', `unknown provider '${cfg.provider}'`);
  const client = factory(cfg);
  return { client, state: sharedState(`${cfg.provider}|${client.model}|${cfg.baseURL ?? ''}`) };
}

function primaryTarget(c: ParsedLLMBuilderConfig): ResilienceTarget {
  if (c.client) return { client: c.client, state: sharedState(c.client) };
  return build(providerConfig(c, c.provider, c.model));
}

/** Same provider: inherits key, baseURL and options. Another provider: only browser consent and api. */
function fallbackTarget(c: ParsedLLMBuilderConfig, ref: string): ResilienceTarget {
  const parsed = parseModelRef(ref);
  const sameProvider = !c.client && (!parsed || parsed.provider === c.provider);
  if (!parsed && c.client) {
    throw new AfkConfigError(
      'invalid_config',
      `fallback '${ref}' must name its provider ('<provider>:<model>')`,
    );
  }
  if (sameProvider) {
    const cfg = providerConfig(c, c.provider, parsed?.model ?? ref);
    return build(parsed?.baseURL ? { ...cfg, baseURL: parsed.baseURL } : cfg);
  }
  const p = parsed as NonNullable<typeof parsed>;
  return build({
    provider: p.provider,
    model: p.model,
    apiKey: undefined,
    baseURL: p.baseURL,
    api: c.api,
    dangerouslyAllowBrowser: c.dangerouslyAllowBrowser,
    headers: undefined,
    capabilities: undefined,
    cassette: undefined,
  });
}
