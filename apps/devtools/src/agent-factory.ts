import type { Agent } from 'afk/agents';
import { LLMBuilder, type LLMClient } from 'afk/llms';
import { exampleById, exampleForAgentName } from './demo/examples';
import type { ModelSettings } from './state/settings';

/**
 * The model for the current settings: undefined for the scripted demo models (each example has
 * its own), or an OpenAI / OpenAI-compatible client built with `LLMBuilder`. The key goes into
 * the client and nowhere else (the runner redacts keys from events; nothing here stores or logs it).
 */
export function modelFor(settings: ModelSettings): LLMClient | undefined {
  if (settings.provider === 'scripted') return undefined;
  const builder = new LLMBuilder().provider(settings.provider).model(settings.model).profile('development');
  if (settings.apiKey) builder.apiKey(settings.apiKey);
  if (settings.baseURL) builder.baseURL(settings.baseURL);
  // The devtools run on the developer's own machine with the developer's own key, typed into
  // this tab: calling the provider straight from the page is the point here.
  else builder.dangerouslyAllowBrowser();
  return builder.build();
}

/** A playground example agent (by id; the calculator by default) on the current settings. */
export function agentFor(settings: ModelSettings, exampleId?: string): Agent {
  return exampleById(exampleId).build(modelFor(settings));
}

/** The agent that continues a stored run, found by the run's agent name (undefined: not one of ours). */
export function agentForRun(settings: ModelSettings, agentName: string | undefined): Agent | undefined {
  return exampleForAgentName(agentName)?.build(modelFor(settings));
}
