import type { Agent } from 'afk/agents';
import { LLMBuilder } from 'afk/llms';
import { calculatorAgent } from './demo/calculator-agent';
import type { ModelSettings } from './state/settings';

/**
 * The playground agent for the current settings: the scripted demo model by default, or an
 * OpenAI / OpenAI-compatible client built with `LLMBuilder`. The key goes into the client and
 * nowhere else (the runner redacts it from events; it is never stored).
 */
export function agentFor(settings: ModelSettings): Agent {
  if (settings.provider === 'scripted') return calculatorAgent();
  let builder = new LLMBuilder().provider(settings.provider).model(settings.model);
  if (settings.apiKey) builder = builder.apiKey(settings.apiKey);
  if (settings.baseURL) builder = builder.baseURL(settings.baseURL);
  return calculatorAgent(builder.build());
}
