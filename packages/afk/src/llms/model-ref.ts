import { providerFactory } from './registry.js';

/** A parsed model string. */
export interface ModelRef {
  provider: string;
  model: string;
  baseURL?: string;
}

/**
 * Parses `'<provider>:<model>'` where `<provider>` is a registered id (`openai`,
 * `openai-compatible`, `scripted`, `replay`, or your own). `openai-compatible` also takes the
 * server: `'openai-compatible:<model>@<baseURL>'` (split at the first '@', so model ids may
 * contain ':' as Ollama's do). Returns undefined when the prefix is not a registered provider.
 *
 * @example
 * parseModelRef('openai-compatible:llama3.2:3b@http://localhost:11434/v1')
 * // { provider: 'openai-compatible', model: 'llama3.2:3b', baseURL: 'http://localhost:11434/v1' }
 */
export function parseModelRef(ref: string): ModelRef | undefined {
  const colon = ref.indexOf(':');
  if (colon <= 0) return undefined;
  const provider = ref.slice(0, colon);
  if (!providerFactory(provider)) return undefined;
  const rest = ref.slice(colon + 1);
  const at = rest.indexOf('@');
  if (at > 0 && /^https?:\/\//.test(rest.slice(at + 1))) {
    return { provider, model: rest.slice(0, at), baseURL: rest.slice(at + 1) };
  }
  return { provider, model: rest };
}
