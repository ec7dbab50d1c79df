import type { LLMUsage } from './types.js';

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  cachedInput?: number;
  output: number;
}

/**
 * Built-in price table (USD per 1M tokens, OpenAI list prices). Override or extend with
 * `setModelPrices({...})`. Lookups match the longest known prefix, so dated snapshots
 * (`gpt-4.1-mini-2025-04-14`) price like their family.
 */
export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10 },
  'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2 },
  'gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4 },
  'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8 },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  o3: { input: 2, cachedInput: 0.5, output: 8 },
  'o3-mini': { input: 1.1, cachedInput: 0.55, output: 4.4 },
  'o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4 },
  // The scripted model is free but priced so that cost limits can be exercised in tests.
  scripted: { input: 1, cachedInput: 0.5, output: 2 },
};

const overrides: Record<string, ModelPrice> = {};
const lookupCache = new Map<string, ModelPrice | undefined>();

/** Adds or replaces prices (per 1M tokens) for model ids or prefixes. */
export function setModelPrices(prices: Record<string, ModelPrice>): void {
  Object.assign(overrides, prices);
  lookupCache.clear();
}

/** The price entry for a model id (provider prefix ignored), by longest matching prefix. */
export function priceFor(model: string): ModelPrice | undefined {
  if (lookupCache.has(model)) return lookupCache.get(model);
  const found = lookupPrice(model);
  lookupCache.set(model, found);
  return found;
}

function lookupPrice(model: string): ModelPrice | undefined {
  const id = model.includes(':') ? model.slice(model.indexOf(':') + 1) : model;
  const provider = model.includes(':') ? model.slice(0, model.indexOf(':')) : '';
  let best: ModelPrice | undefined;
  let bestLen = -1;
  for (const table of [DEFAULT_PRICES, overrides]) {
    for (const [key, price] of Object.entries(table)) {
      if ((id === key || id.startsWith(`${key}-`) || provider === key) && key.length >= bestLen) {
        best = price;
        bestLen = key.length;
      }
    }
  }
  return best;
}

/** Cost in USD of `usage` on `model`; 0 when the model is unknown. */
export function estimateCostUsd(model: string, usage: LLMUsage): number {
  const price = priceFor(model);
  if (!price) return 0;
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const fresh = usage.inputTokens - cached;
  return (
    (fresh * price.input + cached * (price.cachedInput ?? price.input) + usage.outputTokens * price.output) /
    1_000_000
  );
}
