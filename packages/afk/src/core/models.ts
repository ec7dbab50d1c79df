import { AfkConfigError } from '../errors/index.js';
import type { LLMClient, LLMResolver } from '../llms/types.js';

/**
 * Model strings → clients. Order: the runner's `llms` option (a resolver or a map), then the
 * built-in providers of `afk/llms` (loaded lazily, so the core does not import providers).
 */
export function createModelResolver(
  llms: LLMResolver | Record<string, LLMClient> | undefined,
): (model: string | LLMClient) => Promise<LLMClient> {
  const cache = new Map<string, LLMClient>();
  return async (model) => {
    if (typeof model !== 'string') return model;
    const hit = cache.get(model);
    if (hit) return hit;
    let client: LLMClient | undefined;
    if (typeof llms === 'function') client = llms(model);
    else if (llms && Object.hasOwn(llms, model)) client = llms[model];
    if (!client) {
      const mod = (await import('../llms/index.js')) as { resolveModel?: (m: string) => LLMClient };
      if (!mod.resolveModel)
        throw new AfkConfigError('invalid_config', `no provider can resolve model '${model}'`);
      client = mod.resolveModel(model);
    }
    cache.set(model, client);
    return client;
  };
}
