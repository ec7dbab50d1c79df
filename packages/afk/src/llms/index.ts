export type {
  ContentPart,
  FinishReason,
  LLMCallOptions,
  LLMCapabilities,
  LLMClient,
  LLMRequest,
  LLMResolver,
  LLMResponse,
  LLMStreamChunk,
  LLMToolSpec,
  LLMUsage,
  Message,
  ReasoningEffort,
  ToolCall,
  ToolChoice,
} from './types.js';
export { ContentPartSchema, LLMResponseSchema, MessageSchema, ToolCallSchema, contentText, emptyUsage, lastUserText } from './types.js';
export { scripted } from './providers/scripted.js';
export type { ScriptedClient, ScriptedFn, ScriptedOptions, ScriptedRule, ScriptedTurn } from './providers/scripted.js';
export { DEFAULT_PRICES, estimateCostUsd, priceFor, setModelPrices } from './pricing.js';
export type { ModelPrice } from './pricing.js';
export { classifyStatus } from './errors.js';
