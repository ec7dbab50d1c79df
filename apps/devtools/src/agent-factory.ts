import type { Agent } from 'afk/agents';
import { LLMBuilder } from 'afk/llms';
import { calculatorAgent } from './demo/calculator-agent';
import type { ModelSettings } from './state/settings';

/**
 * The playground agent for the current settings: the scripted demo model by default, or an
 * OpenAI / OpenAI-compatible client built with `LLMBuilder`. The key goes into the client and
 * nowhere else (the runner redacts keys from events; nothing here stores or logs it).
 */
export function agentFor(settings: ModelSettings): Agent {
  if (settings.provider === 'scripted') return calculatorAgent();
  const builder = new LLMBuilder().provider(settings.provider).model(settings.model).profile('development');
  if (settings.apiKey) builder.apiKey(settings.apiKey);
  if (settings.baseURL) builder.baseURL(settings.baseURL);
  // The devtools run on the developer's own machine with the developer's own key, typed into
  // this tab: calling the provider straight from the page is the point here.
  else builder.dangerouslyAllowBrowser();
  return calculatorAgent(builder.build());
}
