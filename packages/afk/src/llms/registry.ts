import { AfkConfigError } from '../errors/index.js';
import type { Cassette } from './providers/cassette.js';
import { echoModel } from './providers/demo.js';
import { openai } from './providers/openai.js';
import { openaiCompatible } from './providers/openai-compatible.js';
import type { WireCapabilities } from './providers/openai-shared.js';
import { replay } from './providers/replay.js';
import type { ResilienceState } from './resilience/attempts.js';
import { CircuitBreaker } from './resilience/circuit-breaker.js';
import { Coalescer } from './resilience/coalescer.js';
import { TokenBucket } from './resilience/rate-limiter.js';
import { ResponseCache } from './resilience/response-cache.js';
import type { LLMClient } from './types.js';

/** What a provider factory receives from `LLMBuilder` (the API key only ever lives in memory). */
export interface ProviderConfig {
  provider: string;
  model: string | undefined;
  apiKey: string | undefined;
  baseURL: string | undefined;
  api: 'chat' | 'responses' | undefined;
  dangerouslyAllowBrowser: boolean | undefined;
  headers: Record<string, string> | undefined;
  capabilities: Partial<WireCapabilities> | undefined;
  cassette: string | Cassette | undefined;
}

/** Builds a thin client (no retries or timeouts: the builder's resilience layer adds them). */
export type ProviderFactory = (config: ProviderConfig) => LLMClient;

const needModel = (c: ProviderConfig): string => {
  if (!c.model) throw new AfkConfigError('invalid_config', `provider '${c.provider}' needs a model`);
  return c.model;
};
const opt = <K extends string, V>(k: K, v: V | undefined) =>
  v === undefined ? {} : ({ [k]: v } as Record<K, V>);

const factories = new Map<string, ProviderFactory>([
  [
    'openai',
    (c) =>
      openai({
        model: needModel(c),
        ...opt('apiKey', c.apiKey),
        ...opt('baseURL', c.baseURL),
        ...opt('api', c.api),
        ...opt('dangerouslyAllowBrowser', c.dangerouslyAllowBrowser),
        ...opt('headers', c.headers),
        ...opt('capabilities', c.capabilities),
      }),
  ],
  [
    'openai-compatible',
    (c) =>
      openaiCompatible({
        model: needModel(c),
        baseURL: c.baseURL ?? '',
        ...opt('apiKey', c.apiKey),
        ...opt('api', c.api),
        ...opt('dangerouslyAllowBrowser', c.dangerouslyAllowBrowser),
        ...opt('headers', c.headers),
        ...opt('capabilities', c.capabilities),
      }),
  ],
  ['scripted', (c) => echoModel(c.model ?? 'demo')],
  [
    'replay',
    (c) => {
      if (!c.cassette) throw new AfkConfigError('invalid_config', "provider 'replay' needs a cassette");
      return replay({ cassette: c.cassette, ...opt('model', c.model) });
    },
  ],
]);

/**
 * Registers a provider under an id usable in `LLMBuilder.provider(id)` and in model strings
 * (`'<id>:<model>'`). Built-in ids: `openai`, `openai-compatible`, `scripted` (echo demo),
 * `replay`. Re-registering an id replaces it.
 *
 * @example
 * registerProvider('my-gateway', (c) => openaiCompatible({ model: c.model ?? 'default', baseURL: 'https://gw.example/v1' }));
 * const llm = new LLMBuilder().provider('my-gateway').model('fast').build();
 */
export function registerProvider(id: string, factory: ProviderFactory): void {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(id)) {
    throw new AfkConfigError(
      'invalid_config',
      `provider id '${id}' must be letters, digits, '.', '_' or '-'`,
    );
  }
  factories.set(id, factory);
}

/** The factory registered for `id`, if any. */
export function providerFactory(id: string): ProviderFactory | undefined {
  return factories.get(id);
}

/**
 * Ids of every registered provider, built-ins first.
 *
 * @example
 * registeredProviders() // ['openai', 'openai-compatible', 'scripted', 'replay', ...yours]
 */
export function registeredProviders(): string[] {
  return [...factories.keys()];
}

const sharedByKey = new Map<string, ResilienceState>();
const sharedByClient = new WeakMap<object, ResilienceState>();

const newState = (): ResilienceState => ({
  breaker: new CircuitBreaker(),
  limiter: new TokenBucket(),
  cache: new ResponseCache(),
  coalescer: new Coalescer(),
});

/**
 * The breaker, rate limiter, cache and in-flight table shared by every built client of one
 * (provider, model, baseURL) — or, for a wrapped client instance, by that instance — so their
 * state accumulates across builds.
 */
export function sharedState(key: string | object): ResilienceState {
  if (typeof key === 'string') {
    const found = sharedByKey.get(key);
    if (found) return found;
    const created = newState();
    sharedByKey.set(key, created);
    return created;
  }
  const found = sharedByClient.get(key);
  if (found) return found;
  const created = newState();
  sharedByClient.set(key, created);
  return created;
}

/**
 * Forgets all shared breaker, rate-limiter, cache and in-flight state of built providers (tests,
 * or after rotating credentials). Clients built before keep their state; build new ones.
 *
 * @example
 * afterEach(() => resetLLMState());
 */
export function resetLLMState(): void {
  sharedByKey.clear();
}
