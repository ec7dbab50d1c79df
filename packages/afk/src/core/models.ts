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
      // Lazy, and the narrowest module that resolves: bundlers split it (and the providers it
      // loads) into a chunk an app only fetches when it names a model by string.
      const mod = await import('../llms/resolve.js');
      client = mod.resolveModel(model);
    }
    cache.set(model, client);
    return client;
  };
}
