import { AfkConfigError } from '../errors/index.js';
import { hashString } from '../internal/json.js';
import { LLMBuilder } from './builder.js';
import type { LLMBuilderConfig, LLMProfile } from './config.js';
import { parseModelRef } from './model-ref.js';
import { echoModel } from './providers/demo.js';
import { registeredProviders } from './registry.js';
import type { LLMClient } from './types.js';

/** Options of `resolveModel` (all optional). */
export interface ResolveModelOptions {
  /** API key for the provider (default for 'openai': `process.env.OPENAI_API_KEY` when `process` exists). */
  apiKey?: string;
  /** Base URL when the model string has none (a proxy, or an openai-compatible server). */
  baseURL?: string;
  /** Resilience profile (default 'production'). */
  profile?: LLMProfile;
  /** OpenAI API flavour (default 'chat'). */
  api?: 'chat' | 'responses';
  /** Any other builder settings (retry, timeout, fallback, cache, ...). */
  builder?: Omit<LLMBuilderConfig, 'provider' | 'model' | 'client'>;
}

const resolved = new Map<string, LLMClient>();

/**
 * Turns an agent's `model` into a client — the runner's one entry point into `afk/llms`.
 * A client passes through unchanged. Strings are `'<provider>:<model>'`:
 * - `'scripted:<name>'` → the echo demo model (`echo: <last user text>`, see `echoModel`);
 * - `'openai:gpt-4.1-mini'` → the OpenAI provider through `LLMBuilder` (key from `opts.apiKey`,
 *   else `OPENAI_API_KEY`);
 * - `'openai-compatible:<model>@<baseURL>'` (or `opts.baseURL`) → an OpenAI-wire server;
 * - `'<registered id>:<model>'` → your provider.
 * Equal strings with equal options return the same client instance.
 *
 * @example
 * const llm = resolveModel('openai:gpt-4.1-mini', { profile: 'low_latency' });
 * const demo = resolveModel('scripted:demo');
 */
export function resolveModel(model: string | LLMClient, opts: ResolveModelOptions = {}): LLMClient {
  if (typeof model !== 'string') return model;
  const ref = parseModelRef(model);
  if (!ref) {
    throw new AfkConfigError(
      'invalid_config',
      `model '${model}' must look like '<provider>:<model>' with a registered provider (${registeredProviders().join(', ')})`,
      { issues: [{ path: ['model'], message: `unknown model string '${model}'` }] },
    );
  }
  if (ref.provider === 'scripted') return echoModel(ref.model || 'demo');
  const cacheable = opts.builder === undefined;
  const key = [
    model,
    opts.baseURL ?? '',
    opts.profile ?? '',
    opts.api ?? '',
    hashString(opts.apiKey ?? ''),
  ].join('|');
  const hit = cacheable ? resolved.get(key) : undefined;
  if (hit) return hit;
  const baseURL = ref.baseURL ?? opts.baseURL;
  const client = new LLMBuilder({
    ...opts.builder,
    provider: ref.provider,
    model: ref.model,
    ...(baseURL === undefined ? {} : { baseURL }),
    ...(opts.apiKey === undefined ? {} : { apiKey: opts.apiKey }),
    ...(opts.profile === undefined ? {} : { profile: opts.profile }),
    ...(opts.api === undefined ? {} : { api: opts.api }),
  }).build();
  if (cacheable) resolved.set(key, client);
  return client;
}
